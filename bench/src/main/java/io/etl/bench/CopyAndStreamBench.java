package io.etl.bench;

import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Copy and streaming throughput, CPU and peak RSS of the replicator, each against the limit of
 * the same work measured in the same run on the same servers:
 *
 * <ul>
 *   <li>copy: rows/s of our pipeline's initial copy of one table into the discard, memory and
 *       PostgreSQL destinations, against {@code COPY … TO STDOUT} into a discarding sink (the read
 *       limit) and a bare {@code COPY TO STDOUT} → {@code COPY FROM STDIN} pipe between the two
 *       servers (the transfer limit);
 *   <li>streaming: change events/s of our pipeline catching up a backlog of pgbench-style
 *       transactions into each destination, and of Debezium's embedded engine consuming the same
 *       backlog, against {@code pg_recvlogical} reading the same WAL (the decode limit), a bare
 *       pgjdbc read of a slot, and PostgreSQL's own subscription applying it (the apply limit);
 *   <li>latency: commit on the source → visible in the PostgreSQL destination, at a fixed rate.
 * </ul>
 *
 * <p>This JVM starts the embedded servers and measures the limits; every measured case of a
 * replicator runs in a child JVM of its own ({@link ChildJvm}), so its CPU time and peak RSS are
 * its own and the servers' are nobody's. Arguments: {@code [rows] [transactions] [latency rate]
 * [latency probes]}, default 5,000,000, 100,000, 2,000/s and 20 s worth of probes. Not a test:
 * it prints figures and never fails on them.
 */
public final class CopyAndStreamBench {
  private static final int PGBENCH_SCALE = 10;
  private static final String RAW_SLOT = "bench_raw";
  private static final String RECVLOGICAL_SLOT = "bench_recvlogical";
  private static final int LATENCY_SECONDS = 20;
  private static final long NATIVE_APPLY_LIMIT_MILLIS = 3_600_000;

  private final PostgresServer source;
  private final PostgresServer destination;
  private final Endpoints endpoints;
  private final ReadLimits limits;
  private final ChildJvm child;
  private final NativeSubscription nativeSubscription;
  private final ResultTable table = new ResultTable();

  private CopyAndStreamBench(PostgresServer source, PostgresServer destination) {
    this.source = source;
    this.destination = destination;
    this.endpoints = Endpoints.of(source, destination);
    this.limits = new ReadLimits(endpoints);
    this.child = new ChildJvm(endpoints);
    this.nativeSubscription = new NativeSubscription(source, destination);
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int transactions = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    double latencyRate = args.length > 2 ? Double.parseDouble(args[2]) : 2_000;
    int latencyProbes = args.length > 3 ? Integer.parseInt(args[3]) : (int) (latencyRate * LATENCY_SECONDS);
    System.out.printf(Locale.ROOT, "bench: %,d rows to copy, %,d pgbench transactions (%,d changes) to stream,"
            + " %,d latency probes at %,.0f/s; %d cores%n",
        rows, transactions, (long) transactions * PgbenchLoad.CHANGES_PER_TRANSACTION, latencyProbes, latencyRate,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "bench: each measured case in a child JVM: discard and PostgreSQL destinations"
            + " with the replicator's flags %s, memory destination and Debezium with %s%n",
        ChildJvm.REPLICATOR_FLAGS, ChildJvm.MEMORY_DESTINATION_FLAGS);
    long start = System.nanoTime();
    try (PostgresServer source = PostgresServer.start(); PostgresServer destination = PostgresServer.start()) {
      new CopyAndStreamBench(source, destination).run(rows, transactions, latencyRate, latencyProbes);
    }
    System.out.printf(Locale.ROOT, "bench: done in %.0f s%n", Seconds.since(start));
  }

  private void run(int rows, int transactions, double latencyRate, int latencyProbes) throws Exception {
    SourceData.load(source, rows, PGBENCH_SCALE);
    copy(rows);
    stream(transactions);
    latency(latencyRate, latencyProbes);
    table.print();
  }

  private void copy(int rows) throws Exception {
    String big = SourceData.COPY_TABLE;
    Measurement readLimit = timed(rows, () -> limits.copyToDiscard(big));
    ResultTable.Limit read = new ResultTable.Limit("read", readLimit);
    table.add("copy", "COPY TO STDOUT → discard (read limit)", readLimit, read, null);
    destination.execute("CREATE TABLE " + big + " " + SourceData.COPY_TABLE_COLUMNS);
    Measurement transferLimit = timed(rows, () -> limits.copyPipe(big));
    table.add("copy", "COPY → COPY (transfer limit)", transferLimit, read, null);
    destination.execute("DROP TABLE " + big);

    table.add("copy", "etl → discard", child.run(MeasuredCase.COPY_DISCARD, rows), read, null);
    table.add("copy", "etl → memory", child.run(MeasuredCase.COPY_MEMORY, rows), read, null);
    table.add("copy", "etl → PostgreSQL", child.run(MeasuredCase.COPY_POSTGRES, rows),
        new ResultTable.Limit("transfer", transferLimit), null);
    String held = destination.queryOne("postgres", "SELECT count(*) FROM " + big);
    Checks.warnUnless(String.valueOf(rows).equals(held), "the PostgreSQL destination holds " + held + " of " + rows + " rows");
    // the copy pipelines are done with: their slots must not hold back WAL during the streaming phase
    for (Target target : Target.values()) {
      dropSlot(PipelineRun.applySlot(PipelineCopyCase.pipelineId(target)));
    }
  }

  private void stream(int transactions) throws Exception {
    prepareStreamingPipelines();
    nativeSubscription.prepare();
    // with the pipelines' apply slots and the subscription's, every reader starts at the same position
    for (String slot : List.of(RAW_SLOT, RECVLOGICAL_SLOT, DebeziumStreamCase.SLOT)) {
      source.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    long start = System.nanoTime();
    PgbenchLoad load = new PgbenchLoad(endpoints, PGBENCH_SCALE);
    load.write(transactions);
    // insert positions: with synchronous_commit = off the write position may lag behind the commits
    String beforeMarker = source.queryOne("postgres", "SELECT pg_current_wal_insert_lsn()");
    load.writeMarker();
    String afterMarker = source.queryOne("postgres", "SELECT pg_current_wal_insert_lsn()");
    System.out.printf(Locale.ROOT, "bench: wrote %,d transactions in %.1f s%n", transactions, Seconds.since(start));
    for (List<String> slot : source.query("postgres", "SELECT slot_name, pg_size_pretty(pg_current_wal_lsn() - confirmed_flush_lsn),"
        + " pg_size_pretty(pg_current_wal_lsn() - restart_lsn) FROM pg_replication_slots ORDER BY slot_name")) {
      System.out.printf(Locale.ROOT, "bench: slot %-27s backlog %8s of WAL (%8s from where decoding restarts)%n",
          slot.get(0), slot.get(1), slot.get(2));
    }

    long events = (long) transactions * PgbenchLoad.CHANGES_PER_TRANSACTION;
    Measurement bareRead = timed(events,
        () -> limits.readSlotWithoutDecoding(RAW_SLOT, SourceData.STREAM_PUBLICATION, transactions + 1L));
    ResultTable.Limit decode = decodeLimit(events, beforeMarker, afterMarker, bareRead);
    table.add("stream", "bare pgjdbc read of the slot, no decoding", bareRead, decode, null);
    Measurement applyLimit = nativeApply(events);
    table.add("stream", "native subscription apply (apply limit)", applyLimit, decode, null);

    Measurement discard = child.run(MeasuredCase.STREAM_DISCARD, events);
    Measurement memory = child.run(MeasuredCase.STREAM_MEMORY, events);
    Measurement postgres = child.run(MeasuredCase.STREAM_POSTGRES, events);
    Measurement debezium = child.run(MeasuredCase.DEBEZIUM, events);
    table.add("stream", "etl → discard", discard, decode, debezium);
    table.add("stream", "etl → memory", memory, decode, debezium);
    table.add("stream", "etl → PostgreSQL", postgres, new ResultTable.Limit("native", applyLimit), debezium);
    table.add("stream", "Debezium embedded 3.6.1 → counting consumer", debezium, decode, debezium);
    for (String t : SourceData.PGBENCH_TABLES) {
      Checks.warnUnless(source.contentFingerprint("postgres", t).equals(destination.contentFingerprint("postgres", t)),
          "the PostgreSQL destination's " + t + " differs from the source's after streaming");
    }
    // only the PostgreSQL pipeline streams on (the latency case): nothing else may hold back WAL
    for (String slot : List.of(RAW_SLOT, RECVLOGICAL_SLOT, DebeziumStreamCase.SLOT,
        PipelineRun.applySlot(PipelineStreamCase.pipelineId(Target.MEMORY)),
        PipelineRun.applySlot(PipelineStreamCase.pipelineId(Target.DISCARD)))) {
      dropSlot(slot);
    }
  }

  /**
   * {@code pg_recvlogical} up to the WAL position after the marker; without it on the PATH, the
   * bare pgjdbc read stands in (and the table says so).
   */
  private ResultTable.Limit decodeLimit(long events, String beforeMarker, String afterMarker, Measurement bareRead)
      throws Exception {
    String what = "pg_recvlogical → /dev/null (decode limit)";
    Optional<RecvlogicalDecodeLimit> recvlogical = RecvlogicalDecodeLimit.find(endpoints);
    if (recvlogical.isEmpty()) {
      table.skipped("stream", what, RecvlogicalDecodeLimit.COMMAND + " not on PATH; the bare pgjdbc read is the decode limit");
      return new ResultTable.Limit("pgjdbc", bareRead);
    }
    Measurement measured;
    try {
      measured = timed(events, () -> recvlogical.get().read(RECVLOGICAL_SLOT, SourceData.STREAM_PUBLICATION, afterMarker));
    } catch (Exception e) {
      System.out.println("bench: WARNING, " + what + " failed: " + e.getMessage());
      measured = null;
    }
    // its last feedback confirms the last commit it wrote: the marker's, past the position before it
    Checks.warnUnless("t".equals(source.queryOne("postgres", "SELECT confirmed_flush_lsn > '" + beforeMarker
        + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '" + RECVLOGICAL_SLOT + "'")),
        RecvlogicalDecodeLimit.COMMAND + " did not read up to the marker");
    ResultTable.Limit limit = new ResultTable.Limit("decode", measured);
    table.add("stream", what, measured, limit, null);
    return limit;
  }

  private Measurement nativeApply(long events) {
    try {
      Measurement measured = timed(events, () -> nativeSubscription.applyBacklog(NATIVE_APPLY_LIMIT_MILLIS));
      nativeSubscription.checkAndDrop();
      return measured;
    } catch (Exception e) {
      System.out.println("bench: WARNING, the native subscription failed: " + e.getMessage());
      return null;
    }
  }

  private void latency(double rate, int probes) throws Exception {
    LatencyCase.Result result = new LatencyCase(endpoints, child).run(rate, probes);
    table.latency("etl → PostgreSQL, commit → visible", result);
    if (result != null) {
      System.out.printf(Locale.ROOT, "bench: latency %,d probes at %,.0f/s asked, %,.0f/s achieved: p50 %.1f ms,"
              + " p99 %.1f ms, max %.1f ms%n", result.probes(), result.askedRate(), result.achievedRate(),
          result.p50Millis(), result.p99Millis(), result.maxMillis());
    }
  }

  /**
   * Our streaming pipelines copy the streamed tables here, unmeasured, so that their slots and
   * table states exist before the load is written and the measured runs only stream.
   */
  private void prepareStreamingPipelines() throws Exception {
    long start = System.nanoTime();
    new PipelineRun(endpoints, PipelineStreamCase.pipelineId(Target.MEMORY), SourceData.STREAM_PUBLICATION)
        .runUntilCopied(new MemoryDestination());
    new PipelineRun(endpoints, PipelineStreamCase.pipelineId(Target.DISCARD), SourceData.STREAM_PUBLICATION)
        .runUntilCopied(new DiscardDestination());
    PipelineRun intoPostgres =
        new PipelineRun(endpoints, PipelineStreamCase.pipelineId(Target.POSTGRES), SourceData.STREAM_PUBLICATION);
    try (PostgresDestination postgres = intoPostgres.postgresDestination()) {
      intoPostgres.runUntilCopied(postgres);
    }
    System.out.printf(Locale.ROOT, "bench: streaming pipelines prepared (streamed tables copied) in %.1f s%n",
        Seconds.since(start));
  }

  private void dropSlot(String slot) {
    try (Connection c = source.connect()) {
      ReplicationSlots.dropIfExists(c, slot);
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop slot " + slot + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private static Measurement timed(long units, Work work) throws Exception {
    Stopwatch stopwatch = Stopwatch.start();
    work.run();
    return stopwatch.wallOnly(units);
  }
}
