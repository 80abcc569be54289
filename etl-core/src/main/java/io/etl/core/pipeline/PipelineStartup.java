package io.etl.core.pipeline;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.replication.Lsn;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.SlotNames;
import io.etl.core.source.PostgresConnector;
import io.etl.core.source.SourceCatalog;
import io.etl.core.source.SourcePreflight;
import io.etl.core.state.StateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.sync.TableResyncs;
import io.etl.core.sync.TableStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything before the workers run, once per attempt: preflight, state store migrations, the
 * destination's check, the table states reconciled with the publication, leftover sync slots
 * dropped, and the apply slot found or (after resetting the tables) created.
 */
final class PipelineStartup {
  private static final Logger log = LoggerFactory.getLogger(PipelineStartup.class);

  /** What the workers start from: the table states, the apply slot's position and its incarnation. */
  record Start(TableStates tables, Lsn position, String incarnation) {}

  private final PipelineConfig config;
  private final Destination destination;

  PipelineStartup(PipelineConfig config, Destination destination) {
    this.config = config;
    this.destination = destination;
  }

  Start prepare(PostgresConnector source, StateStore store) {
    String slot = config.applySlotName();
    try (Connection c = source.open()) {
      new SourcePreflight().check(c, config.pipeline().publication(), slot);
      store.migrate();
      destination.verify();
      TableStates tableStates =
          TableStates.load(store, new SourceCatalog().publishedTableNames(c, config.pipeline().publication()));
      // before any worker starts: a table a request sends back to INIT is then copied like a new one
      new TableResyncs(store, tableStates).perform(config.resync(), config.pipeline().publication());
      dropLeftoverSyncSlots(c, tableStates.snapshot());
      Optional<ReplicationSlots.SlotInfo> existing = ReplicationSlots.find(c, slot);
      if (existing.isPresent()) {
        requireOwnDatabase(existing.get());
        return new Start(tableStates, existing.get().confirmedFlush(), store.applySlotIncarnation().orElse(null));
      }
      // A new apply slot starts at the server's current position: whatever it replaces held
      // changes that are now gone (dropped by hand, lost in a fail-over), so every table is
      // copied again. The reset is one transaction and comes before the slot exists: a crash
      // after creating the slot but before resetting would leave tables READY on a new slot,
      // streaming on with a silent gap.
      String incarnation = UUID.randomUUID().toString();
      if (tableStates.resetForNewApplySlot(incarnation)) {
        log.warn("replication slot {} was missing although tables had been copied; the changes it held are gone,"
            + " so every table is copied again", slot);
      }
      Failpoints.reached(Failpoint.SLOT_BEFORE_CREATE);
      Lsn position = ReplicationSlots.create(c, slot);
      log.info("created replication slot {} at {}", slot, position);
      return new Start(tableStates, position, incarnation);
    } catch (SQLException e) {
      throw source.errors().classify(e);
    }
  }

  /** Slot names are unique per server: one of another database belongs to a pipeline of the same id there. */
  private void requireOwnDatabase(ReplicationSlots.SlotInfo slot) {
    String database = config.source().database();
    if (slot.database() != null && !slot.database().equals(database)) {
      throw EtlException.fatal("slot_of_another_database",
          "replication slot " + slot.name() + " on the source server belongs to database " + slot.database()
              + ", not " + database + ": pipeline id " + config.pipeline().id()
              + " is already used by a pipeline of that database",
          "give this pipeline its own pipeline.id (slot names are unique per server)", null);
    }
  }

  /**
   * A crash between a table's hand-over and the drop of its sync slot, or a table that errored or
   * left the publication, can leave a sync slot behind; nothing reads it, and it would hold WAL
   * on the source forever. Only this pipeline's slots, by anchored pattern (see SlotNames).
   */
  private void dropLeftoverSyncSlots(Connection c, Map<Integer, TableState> states) throws SQLException {
    String pipelineId = config.pipeline().id();
    for (ReplicationSlots.SlotInfo slot : ReplicationSlots.matching(c, SlotNames.tableSyncPattern(pipelineId))) {
      OptionalInt oid = SlotNames.tableSyncOid(pipelineId, slot.name());
      TableState state = oid.isPresent() ? states.get(oid.getAsInt()) : null;
      TablePhase phase = state == null ? null : state.phase();
      if (phase == null || phase == TablePhase.READY || phase == TablePhase.SYNC_DONE || phase == TablePhase.ERRORED) {
        log.info("dropping leftover table sync slot {}", slot.name());
        ReplicationSlots.dropIfExists(c, slot.name());
      }
    }
  }
}
