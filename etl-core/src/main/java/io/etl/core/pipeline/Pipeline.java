package io.etl.core.pipeline;

import io.etl.core.apply.ApplyWorker;
import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.replication.SlotNames;
import io.etl.core.source.SourceIdentity;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.jdbc.PgConnection;
import io.etl.core.apply.Heartbeat;
import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.Lsn;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.SlotReader;
import io.etl.core.schema.TableId;
import io.etl.core.source.PublishedTable;
import io.etl.core.source.PostgresConnector;
import io.etl.core.source.SourcePreflight;
import io.etl.core.state.MemoryStateStore;
import io.etl.core.state.PostgresStateStore;
import io.etl.core.state.StateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.sync.TableResyncs;
import io.etl.core.sync.TableStates;
import io.etl.core.sync.UnmatchedChanges;
import io.etl.core.sync.SourceSchemaWatch;
import io.etl.core.sync.TrackedSchemas;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication pipeline: start-up checks, then the apply worker and a bounded pool of table
 * sync workers until stopped. Retryable faults restart everything from the persisted state
 * after an exponential backoff; a fatal fault ends {@link #run()} with the exception.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final long SUCCESS_AFTER_MS = 30_000;

  private final PipelineConfig config;
  private final Destination destination;
  private final EtlMetrics metrics;
  private final Map<String, String> environment;
  private final Progress progress = new Progress();
  private final Backoff backoff;
  private final Object lock = new Object();

  private volatile boolean stopRequested;
  private volatile PipelinePhase phase = PipelinePhase.STARTING;
  private volatile PipelineStatus.ErrorInfo lastError;
  private volatile long retries;
  private volatile TableStates tables;
  private volatile ApplyWorker applyWorker;
  private volatile Thread runThread;
  private StateStore stateStore;

  public Pipeline(PipelineConfig config, Destination destination, EtlMetrics metrics, Map<String, String> environment) {
    this.config = config;
    this.destination = destination;
    this.metrics = metrics;
    this.environment = Map.copyOf(environment);
    this.backoff = new Backoff(config.retry());
  }

  /** Blocks until {@link #stop()} or a fatal fault (thrown as {@link EtlException}). */
  public void run() throws InterruptedException {
    runThread = Thread.currentThread();
    try {
      while (!stopRequested) {
        long started = System.currentTimeMillis();
        try {
          runOnce();
        } catch (EtlException e) {
          if (stopRequested) {
            break;
          }
          recordError(e);
          if (!e.isRetryable()) {
            phase = PipelinePhase.FAILED;
            throw e;
          }
          retryAfter(e, started);
        } catch (InterruptedException e) {
          if (stopRequested) {
            break;
          }
          throw e;
        } catch (RuntimeException e) {
          if (stopRequested) {
            break;
          }
          EtlException wrapped =
              EtlException.retryable("internal", "unexpected failure: " + e, "report this if it repeats", e);
          log.error("unexpected failure; retrying", e);
          recordError(wrapped);
          retryAfter(wrapped, started);
        }
      }
    } finally {
      phase = PipelinePhase.STOPPED;
      progress.streaming(false);
    }
  }

  private void retryAfter(EtlException e, long startedMs) throws InterruptedException {
    if (System.currentTimeMillis() - startedMs > SUCCESS_AFTER_MS) {
      backoff.reset();
      retries = 0;
    }
    long delay = backoff.nextDelayMs();
    retries++;
    metrics.retry(e.category());
    phase = PipelinePhase.RETRYING;
    log.warn("{} Retrying in {} ms (attempt {}).", e.getMessage(), delay, backoff.attempts());
    synchronized (lock) {
      long deadline = System.currentTimeMillis() + delay;
      while (!stopRequested && System.currentTimeMillis() < deadline) {
        lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
      }
    }
  }

  private void recordError(EtlException e) {
    metrics.error(e.kind().name().toLowerCase(java.util.Locale.ROOT), e.category());
    lastError =
        new PipelineStatus.ErrorInfo(
            e.kind().name().toLowerCase(java.util.Locale.ROOT), e.category(), e.reason(), e.solution(), Instant.now());
  }

  private void runOnce() throws InterruptedException {
    phase = phase == PipelinePhase.RETRYING ? PipelinePhase.RETRYING : PipelinePhase.STARTING;
    String password = config.source().password() == null ? null : config.source().password().resolve("source.password", environment);
    PostgresConnector source = new PostgresConnector(config.source(), password, "etl-" + config.pipeline().id());
    String slot = config.applySlotName();
    // before anything is written: a second replicator of this pipeline stops here
    try (PipelineLock lock = PipelineLock.acquire(source, config.pipeline().id())) {
      Start start = prepare(source, slot);
      tables = start.tables();
      runWorkers(source, start, slot, lock);
    }
  }

  /** What the workers start from: the table states, the apply slot's position and its incarnation. */
  private record Start(TableStates tables, Lsn position, String incarnation) {}

  private Start prepare(PostgresConnector source, String slot) {
    try (Connection c = source.open()) {
      new SourcePreflight().check(c, config.pipeline().publication(), slot);
      StateStore store = stateStore(source);
      store.migrate();
      destination.verify();
      Map<Integer, TableId> names = new TreeMap<>();
      for (PublishedTable table : new io.etl.core.source.SourceCatalog().publishedTables(c, config.pipeline().publication())) {
        names.put(table.oid(), table.id());
      }
      TableStates tableStates = TableStates.load(store, names);
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
    List<String> leftover = new ArrayList<>();
    try (var ps = c.prepareStatement(
        "SELECT slot_name FROM pg_replication_slots WHERE slot_name ~ ? AND database = current_database()")) {
      ps.setString(1, SlotNames.tableSyncPattern(pipelineId));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          leftover.add(rs.getString(1));
        }
      }
    }
    for (String slotName : leftover) {
      OptionalInt oid = SlotNames.tableSyncOid(pipelineId, slotName);
      TableState state = oid.isPresent() ? states.get(oid.getAsInt()) : null;
      TablePhase phase = state == null ? null : state.phase();
      if (phase == null || phase == TablePhase.READY || phase == TablePhase.SYNC_DONE || phase == TablePhase.ERRORED) {
        log.info("dropping leftover table sync slot {}", slotName);
        ReplicationSlots.dropIfExists(c, slotName);
      }
    }
  }

  private void runWorkers(PostgresConnector source, Start startState, String slot, PipelineLock lock)
      throws InterruptedException {
    TableStates tableStates = startState.tables();
    Lsn start = startState.position();
    SlotReader reader;
    PipelineIdentity identity;
    try {
      PgConnection replication = source.openReplication();
      identity = new PipelineIdentity(config.pipeline().id(), SourceIdentity.identify(replication), startState.incarnation());
      reader = new SlotReader(replication, slot, start, config.pipeline().publication(), metrics, config.replication());
    } catch (SQLException e) {
      throw source.errors().classify(e);
    }
    TrackedSchemas schemas = new TrackedSchemas(stateStore);
    UnmatchedChanges unmatched = new UnmatchedChanges(tableStates, metrics, config.destination().errorOnUnmatchedChanges());
    ApplyWorker apply = new ApplyWorker(identity.applyStream(), reader, source.errors(), start, destination, tableStates,
        config.batch(), metrics, progress, schemas, new SourceSchemaWatch(schemas, source), unmatched);
    applyWorker = apply;
    ExecutorService syncPool = Executors.newFixedThreadPool(config.tableSync().maxWorkers(), daemon("table-sync"));
    ScheduledExecutorService monitor = Executors.newScheduledThreadPool(2, daemon("pipeline-monitor"));
    SlotLagMonitor lag = new SlotLagMonitor(source, slot, progress, metrics);
    TableSyncSupervisor supervisor =
        new TableSyncSupervisor(config, identity, source, destination, tableStates, schemas, metrics, unmatched, syncPool);
    Heartbeat heartbeat = Heartbeat.start(config.heartbeat(), source, apply::nothingInFlight, metrics);
    AtomicBoolean lockLost = new AtomicBoolean();
    try {
      int toSync = tableStates.tablesNeedingSync().size();
      monitor.scheduleWithFixedDelay(() -> {
        try {
          supervisor.tick();
        } catch (RuntimeException e) {
          log.warn("table sync supervisor: {}", e.toString());
        }
      }, 0, 200, TimeUnit.MILLISECONDS);
      monitor.scheduleWithFixedDelay(() -> {
        lag.refresh();
        publishTableMetrics();
        // the lock's session can end alone (idle_session_timeout, a proxy); without it a
        // second replicator could start, so this one stops and takes the lock again
        if (!lock.held() && lockLost.compareAndSet(false, true)) {
          apply.stop();
        }
      }, 0, 5, TimeUnit.SECONDS);
      phase = PipelinePhase.COPYING;
      log.info("pipeline {} streaming from {} ({} tables, {} to sync)", config.pipeline().id(), start,
          tableStates.names().size(), toSync);
      if (stopRequested) {
        apply.stop();
      }
      apply.run();
      if (lockLost.get() && !stopRequested) {
        throw EtlException.retryable("pipeline_lock_lost",
            "the source session holding pipeline " + config.pipeline().id() + "'s lock ended",
            "nothing to do: the replicator takes the lock again and resumes", null);
      }
    } finally {
      progress.streaming(false);
      heartbeat.close();
      tableStates.stop();
      monitor.shutdownNow();
      monitor.awaitTermination(5, TimeUnit.SECONDS);
      supervisor.stop();
      syncPool.shutdownNow();
      syncPool.awaitTermination(30, TimeUnit.SECONDS);
      lag.close();
    }
  }

  /** What a request to retry an errored table found. */
  public enum RetryOutcome { RETRIED, NOT_ERRORED, UNKNOWN_TABLE, NOT_RUNNING }

  /**
   * Sends an ERRORED table (named {@code schema.table}, as /status shows it) back to INIT: it is
   * copied again from scratch, then streamed.
   */
  public RetryOutcome retryTable(String name) {
    TableStates t = tables;
    if (t == null) {
      return RetryOutcome.NOT_RUNNING;
    }
    for (Map.Entry<Integer, TableId> e : t.names().entrySet()) {
      if (e.getValue().toString().equals(name) && t.get(e.getKey()) != null) {
        if (!t.retry(e.getKey())) {
          return RetryOutcome.NOT_ERRORED;
        }
        log.info("table {}: retry requested; copying it again", name);
        return RetryOutcome.RETRIED;
      }
    }
    return RetryOutcome.UNKNOWN_TABLE;
  }

  private void publishTableMetrics() {
    TableStates t = tables;
    if (t == null) {
      return;
    }
    Map<String, Long> counts = new HashMap<>();
    t.snapshot().values().forEach(s -> counts.merge(s.phase().label(), 1L, Long::sum));
    metrics.tableStates(counts);
  }

  private StateStore stateStore(PostgresConnector source) {
    if (stateStore == null) {
      stateStore = config.stateStore().type().equals("memory")
          ? new MemoryStateStore()
          : new PostgresStateStore(source::open, config.pipeline().id());
    }
    return stateStore;
  }

  /** Stop reading, flush what was read, confirm it, and let {@link #run()} return. */
  public void stop() {
    stopRequested = true;
    phase = PipelinePhase.STOPPING;
    ApplyWorker apply = applyWorker;
    if (apply != null) {
      apply.stop();
    }
    TableStates t = tables;
    if (t != null) {
      t.stop();
    }
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  public PipelineStatus status() {
    TableStates t = tables;
    List<PipelineStatus.TableStatus> tableStatuses = new ArrayList<>();
    boolean allStreaming = t != null;
    if (t != null) {
      for (Map.Entry<Integer, TableState> e : new TreeMap<>(t.snapshot()).entrySet()) {
        TableState s = e.getValue();
        TableId name = t.name(e.getKey());
        tableStatuses.add(new PipelineStatus.TableStatus(
            name == null ? String.valueOf(e.getKey()) : name.toString(), e.getKey(), s.phase().label(),
            t.rowsCopied(e.getKey()), t.unmatchedChanges(e.getKey()), s.reason(), s.solution()));
        if (s.phase() != TablePhase.READY && s.phase() != TablePhase.SYNC_DONE && s.phase() != TablePhase.ERRORED) {
          allStreaming = false;
        }
      }
    }
    PipelinePhase current = phase;
    if (current == PipelinePhase.COPYING && allStreaming) {
      current = PipelinePhase.STREAMING;
    }
    // ready once every table streams; an errored table does not hold the others back (it shows in
    // /status and etl_tables{state="errored"})
    boolean ready = progress.streaming() && current == PipelinePhase.STREAMING;
    return new PipelineStatus(
        config.pipeline().id(),
        current,
        ready,
        progress.confirmed() == null ? null : progress.confirmed().toString(),
        progress.received() == null ? null : progress.received().toString(),
        progress.lagBytes(),
        progress.eventsApplied(),
        tableStatuses,
        lastError,
        retries,
        Instant.now());
  }

  @Override
  public void close() {
    stop();
    if (stateStore != null) {
      stateStore.close();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
