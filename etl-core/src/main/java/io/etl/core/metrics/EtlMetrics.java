package io.etl.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's meters, named once here. Prometheus names (after Micrometer's conversion):
 * {@code etl_events_received_total}, {@code etl_events_applied_total}, {@code
 * etl_bytes_received_total}, {@code etl_batch_events} (summary), {@code etl_batch_bytes}
 * (summary), {@code etl_rows_copied_total{table}}, {@code etl_replication_lag_bytes}, {@code
 * etl_confirmed_flush_lsn}, {@code etl_tables{state}}, {@code etl_errors_total{kind,category}},
 * {@code etl_retries_total{category}}, {@code etl_heartbeats_total}, {@code etl_spool_bytes},
 * {@code etl_spool_max_bytes}.
 */
public final class EtlMetrics {
  private final MeterRegistry registry;
  private final Counter eventsReceived;
  private final Counter eventsApplied;
  private final Counter bytesReceived;
  private final Counter heartbeats;
  private final DistributionSummary batchEvents;
  private final DistributionSummary batchBytes;
  private final AtomicLong lagBytes = new AtomicLong();
  private final AtomicLong confirmedFlushLsn = new AtomicLong();
  private final AtomicLong spoolBytes = new AtomicLong();
  private final AtomicLong spoolMaxBytes = new AtomicLong();
  private final Map<String, Counter> rowsCopied = new ConcurrentHashMap<>();
  private final Map<String, Counter> unmatchedChanges = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> tablesByState = new ConcurrentHashMap<>();

  public EtlMetrics(MeterRegistry registry) {
    this.registry = registry;
    eventsReceived =
        Counter.builder("etl.events.received").description("Replication messages decoded").register(registry);
    eventsApplied =
        Counter.builder("etl.events.applied")
            .description("Change events the destination accepted durably")
            .register(registry);
    bytesReceived =
        Counter.builder("etl.bytes.received")
            .description("Bytes of pgoutput data received from the source")
            .register(registry);
    heartbeats =
        Counter.builder("etl.heartbeats")
            .description("Heartbeat messages written to the source while the apply worker was idle")
            .register(registry);
    batchEvents =
        DistributionSummary.builder("etl.batch.events")
            .description("Events per batch handed to the destination")
            .register(registry);
    batchBytes =
        DistributionSummary.builder("etl.batch.bytes")
            .description("Estimated bytes per batch handed to the destination")
            .baseUnit("bytes")
            .register(registry);
    Gauge.builder("etl.replication.lag.bytes", lagBytes, AtomicLong::get)
        .description("WAL bytes between the server's current position and the confirmed flush LSN")
        .register(registry);
    Gauge.builder("etl.confirmed.flush.lsn", confirmedFlushLsn, AtomicLong::get)
        .description("Confirmed flush LSN of the apply slot, as a number")
        .register(registry);
    // registered up front (0 without streaming), so the spool alert's series exist in every scrape
    Gauge.builder("etl.spool.bytes", spoolBytes, AtomicLong::get)
        .description("Bytes spooled to disk for streamed transactions that have not committed yet")
        .register(registry);
    Gauge.builder("etl.spool.max.bytes", spoolMaxBytes, AtomicLong::get)
        .description("replication.maxSpoolBytes while the apply stream spools (0 without streaming)")
        .register(registry);
    for (io.etl.core.state.TablePhase phase : io.etl.core.state.TablePhase.values()) {
      tableStateGauge(phase.label());
    }
  }

  /** For tests and tools that do not export metrics. */
  public static EtlMetrics noop() {
    return new EtlMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void eventsReceived(long n) {
    eventsReceived.increment(n);
  }

  public void bytesReceived(long n) {
    bytesReceived.increment(n);
  }

  public void heartbeat() {
    heartbeats.increment();
  }

  public void batchApplied(int events, long bytes) {
    batchEvents.record(events);
    batchBytes.record(bytes);
    eventsApplied.increment(events);
  }

  public void rowsCopied(String table, long n) {
    rowsCopied
        .computeIfAbsent(
            table,
            t ->
                Counter.builder("etl.rows.copied")
                    .description("Rows copied by the initial table sync")
                    .tag("table", t)
                    .register(registry))
        .increment(n);
  }

  /** UPDATEs and DELETEs of {@code table} that matched no destination row. */
  public void unmatchedChanges(String table, long n) {
    unmatchedChanges
        .computeIfAbsent(
            table,
            t ->
                Counter.builder("etl.unmatched.changes")
                    .description("UPDATEs and DELETEs that matched no destination row: the destination drifted")
                    .tag("table", t)
                    .register(registry))
        .increment(n);
  }

  public void lagBytes(long bytes) {
    lagBytes.set(bytes);
  }

  public void confirmedFlushLsn(long lsn) {
    confirmedFlushLsn.set(lsn);
  }

  /** What the spools of streamed, uncommitted transactions hold together. */
  public void spoolBytes(long bytes) {
    spoolBytes.set(bytes);
  }

  /** The spool's cap ({@code replication.maxSpoolBytes}); 0 when no stream spools. */
  public void spoolMaxBytes(long bytes) {
    spoolMaxBytes.set(bytes);
  }

  /** Replaces the per-state table counts. */
  public void tableStates(Map<String, Long> countsByState) {
    for (Map.Entry<String, AtomicLong> e : tablesByState.entrySet()) {
      e.getValue().set(countsByState.getOrDefault(e.getKey(), 0L));
    }
    countsByState.forEach((state, count) -> tableStateGauge(state).set(count));
  }

  private AtomicLong tableStateGauge(String state) {
    return tablesByState.computeIfAbsent(
        state,
        s -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("etl.tables", value, AtomicLong::get)
              .description("Tables per replication state")
              .tag("state", s)
              .register(registry);
          return value;
        });
  }

  public void error(String kind, String category) {
    Counter.builder("etl.errors")
        .description("Failures by kind (retryable, fatal) and category")
        .tag("kind", kind)
        .tag("category", category)
        .register(registry)
        .increment();
  }

  public void retry(String category) {
    Counter.builder("etl.retries")
        .description("Retries after a retryable failure, by category")
        .tag("category", category)
        .register(registry)
        .increment();
  }
}
