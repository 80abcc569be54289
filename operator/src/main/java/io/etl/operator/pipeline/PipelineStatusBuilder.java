package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.api.v1alpha1.ResyncStatus;
import io.etl.api.v1alpha1.SlotStatus;
import io.etl.api.v1alpha1.TableCounts;
import io.etl.api.v1alpha1.TableStatus;
import io.etl.core.error.EtlException;
import io.etl.core.state.PipelineObservation;
import io.etl.core.state.ResyncRecord;
import io.etl.core.state.TablePhase;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.RowValuesWithheld;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * Turns what was validated and observed into the Pipeline's status: phase, the kstatus
 * conditions (Ready, Reconciling, Stalled) and the specific ones (SourceReachable, SlotHealthy),
 * the slot block and the tables block. Pure: no I/O, so every branch is testable offline.
 */
public final class PipelineStatusBuilder {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String SOURCE_REACHABLE = "SourceReachable";
  public static final String SLOT_HEALTHY = "SlotHealthy";

  private PipelineStatusBuilder() {}

  /**
   * @param podProblem why the replicator pod is failing, as the kubelet reports it; null when it is not
   */
  public static PipelineStatus build(Pipeline pipeline, PipelineInputs inputs, SourceObservation source, String configHash,
      String podProblem) {
    PipelineStatus previous = pipeline.getStatus();
    PipelineStatus status = new PipelineStatus();
    status.observedGeneration = pipeline.getMetadata().getGeneration();
    status.configHash = configHash;
    status.lastObservedTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Conditions conditions = new Conditions(previous == null ? null : previous.conditions, status.observedGeneration);

    PipelineObservation observed = source == null ? null : source.observation();
    if (observed != null) {
      observed.applySlot().ifPresent(slot -> status.slot = slotStatus(slot));
      status.tables = counts(observed.tables());
      status.tableStates = listed(observed.tables());
      status.resyncs = resyncs(observed.resyncs());
    } else if (previous != null) {
      // keep the last known figures while the source cannot be read; the conditions say why
      status.slot = previous.slot;
      status.tables = previous.tables;
      status.tableStates = previous.tableStates;
      status.resyncs = previous.resyncs;
    }

    // SourceReachable
    if (source == null && inputs.sourceCredentialsProblem() != null) {
      conditions.set(SOURCE_REACHABLE, "Unknown", inputs.sourceCredentialsProblem().reason(),
          inputs.sourceCredentialsProblem().getMessage());
    } else if (source == null) {
      conditions.set(SOURCE_REACHABLE, "Unknown", inputs.problemReason(), "not read: " + inputs.problem());
    } else if (!source.reachable()) {
      conditions.set(SOURCE_REACHABLE, false, reason(source.connectFailure()), message(source.connectFailure()));
    } else {
      conditions.set(SOURCE_REACHABLE, true, "Connected", "the operator connected to the source and read its state");
    }

    // SlotHealthy
    String slotProblem = null;
    if (observed == null) {
      conditions.set(SLOT_HEALTHY, "Unknown", "SourceNotRead", "the source could not be read");
    } else if (observed.applySlot().isEmpty()) {
      conditions.set(SLOT_HEALTHY, "Unknown", "SlotNotCreated", "the replicator has not created slot "
          + io.etl.core.replication.SlotNames.apply(pipeline.pipelineId()) + " yet");
    } else {
      var slot = observed.applySlot().get();
      if ("lost".equals(slot.walStatus())) {
        slotProblem = "slot " + slot.name() + " lost WAL it still needed (wal_status lost): changes were lost; delete the"
            + " slot and let the replicator copy every table again, and raise max_slot_wal_keep_size";
        conditions.set(SLOT_HEALTHY, false, "SlotLost", slotProblem);
      } else if ("unreserved".equals(slot.walStatus())) {
        conditions.set(SLOT_HEALTHY, false, "WalAtRisk", "slot " + slot.name() + " holds " + ByteSize.format(slot.lagBytes())
            + " of WAL and will lose it at the next checkpoint unless the replicator catches up (wal_status unreserved)");
      } else {
        conditions.set(SLOT_HEALTHY, true, "WalReserved", "slot " + slot.name() + " holds " + ByteSize.format(slot.lagBytes())
            + " of WAL (wal_status " + slot.walStatus() + ")");
      }
    }

    // Ready / Reconciling / Stalled and the phase, first problem wins
    String reason;
    String message;
    boolean stalled;
    PipelinePhase phase;
    if (pipeline.getSpec().isPaused()) {
      phase = PipelinePhase.Paused;
      reason = "Paused";
      message = "spec.paused is true: the replicator is scaled to 0 and its slot is kept";
      stalled = false;
    } else if (!inputs.ready()) {
      phase = PipelinePhase.Pending;
      reason = inputs.problemReason();
      message = inputs.problem();
      stalled = true;
    } else if (source != null && !source.reachable()) {
      EtlException e = source.connectFailure();
      phase = e.isRetryable() ? PipelinePhase.Pending : PipelinePhase.Failed;
      reason = reason(e);
      message = message(e);
      stalled = !e.isRetryable();
    } else if (source != null && source.preflightFailure() != null) {
      EtlException e = source.preflightFailure();
      phase = e.isRetryable() ? PipelinePhase.Pending : PipelinePhase.Failed;
      reason = reason(e);
      message = message(e);
      stalled = !e.isRetryable();
    } else if (slotProblem != null) {
      phase = PipelinePhase.Failed;
      reason = "SlotLost";
      message = slotProblem;
      stalled = true;
    } else if (status.tables != null && status.tables.errored > 0) {
      phase = byTables(status.tables);
      reason = "TablesErrored";
      message = erroredMessage(observed);
      stalled = true;
    } else if (podProblem != null && (observed == null || observed.applySlot().isEmpty() || !observed.applySlot().get().active())) {
      phase = observed == null || observed.applySlot().isEmpty() ? PipelinePhase.Pending : byTables(status.tables);
      reason = "ReplicatorFailing";
      message = podProblem;
      stalled = false;
    } else if (observed == null || observed.applySlot().isEmpty()) {
      phase = PipelinePhase.Pending;
      reason = "ReplicatorStarting";
      message = "waiting for the replicator to create its replication slot";
      stalled = false;
    } else if (!observed.applySlot().get().active()) {
      phase = byTables(status.tables);
      reason = "ReplicatorNotConnected";
      message = "no replicator is streaming from slot " + observed.applySlot().get().name() + " (pod starting, restarting or failing)";
      stalled = false;
    } else if (!status.tables.ready.equals(status.tables.total)) {
      phase = PipelinePhase.Copying;
      reason = "Copying";
      message = status.tables.copying + " of " + status.tables.total + " tables are being copied";
      stalled = false;
    } else {
      phase = PipelinePhase.Streaming;
      reason = "Streaming";
      message = "every table is ready and changes stream; lag " + status.slot.lag;
      stalled = false;
    }
    boolean ready = reason.equals("Streaming");
    message = RowValuesWithheld.from(message); // conditions become events too
    conditions.set(READY, ready, reason, message);
    conditions.set(RECONCILING, !ready && !stalled && phase != PipelinePhase.Paused, ready ? "Streaming" : reason,
        ready ? "" : message);
    conditions.set(STALLED, stalled, stalled ? reason : "NotStalled", stalled ? message : "");
    status.phase = phase;
    status.conditions = conditions.build();
    return status;
  }

  /** Copying while a table is on its way to ready; errored tables no longer count as on their way. */
  private static PipelinePhase byTables(TableCounts tables) {
    return tables.copying == 0 ? PipelinePhase.Streaming : PipelinePhase.Copying;
  }

  private static SlotStatus slotStatus(PipelineObservation.Slot slot) {
    SlotStatus s = new SlotStatus();
    s.name = slot.name();
    s.active = slot.active();
    s.lagBytes = slot.lagBytes();
    s.lag = ByteSize.format(slot.lagBytes());
    s.walStatus = slot.walStatus();
    s.safeWalSizeBytes = slot.safeWalSizeBytes();
    s.confirmedFlushLsn = slot.confirmedFlushLsn();
    return s;
  }

  private static TableCounts counts(List<PipelineObservation.Table> tables) {
    TableCounts c = new TableCounts();
    c.total = tables.size();
    c.ready = (int) tables.stream().filter(t -> t.is(TablePhase.READY)).count();
    c.errored = (int) tables.stream().filter(t -> t.is(TablePhase.ERRORED)).count();
    c.copying = c.total - c.ready - c.errored;
    c.summary = c.ready + "/" + c.total;
    return c;
  }

  private static List<TableStatus> listed(List<PipelineObservation.Table> tables) {
    return tables.stream()
        .sorted(Comparator.comparing((PipelineObservation.Table t) -> !t.is(TablePhase.ERRORED))
            .thenComparing(t -> t.unmatchedChanges() == 0)
            .thenComparing(t -> t.is(TablePhase.READY))
            .thenComparing(PipelineObservation.Table::name))
        .limit(PipelineStatus.MAX_LISTED_TABLES)
        .map(t -> {
          TableStatus s = new TableStatus();
          s.name = t.name();
          s.state = t.phase();
          s.rowsCopied = t.rowsCopied();
          s.unmatchedChanges = t.unmatchedChanges() == 0 ? null : t.unmatchedChanges();
          // row values stay in the replicator's log and /status: the CR is readable more widely
          s.reason = t.reason() == null ? null
              : RowValuesWithheld.from(t.reason()) + (t.solution() == null ? "" : " Fix: " + t.solution());
          return s;
        })
        .toList();
  }

  private static String erroredMessage(PipelineObservation observed) {
    List<String> names = observed.tables().stream().filter(t -> t.is(TablePhase.ERRORED)).map(PipelineObservation.Table::name).toList();
    return names.size() + " table(s) errored (" + String.join(", ", names.subList(0, Math.min(5, names.size())))
        + "); see status.tableStates for the reason and fix, then retry with POST /tables/{schema.table}/retry on the"
        + " replicator's admin port (kubectl port-forward to its port " + ReplicatorConfig.ADMIN_PORT + ")";
  }

  private static String reason(EtlException e) {
    return io.etl.operator.support.Reasons.of(e);
  }

  private static String message(EtlException e) {
    return io.etl.operator.support.Reasons.message(e);
  }

  /** The replicator's records of spec.resync requests, newest first, bounded; unset when there are none. */
  static List<ResyncStatus> resyncs(List<ResyncRecord> records) {
    if (records.isEmpty()) {
      return null;
    }
    return records.stream().limit(PipelineStatus.MAX_LISTED_RESYNCS).map(r -> {
      ResyncStatus s = new ResyncStatus();
      s.requestId = r.requestId();
      s.table = r.table();
      s.result = r.result();
      s.detail = r.detail();
      s.requestedAt = r.requestedAt().truncatedTo(ChronoUnit.SECONDS).toString();
      s.finishedAt = r.finishedAt() == null ? null : r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString();
      return s;
    }).toList();
  }
}
