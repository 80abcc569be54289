package io.etl.bench;

import io.etl.core.destination.MemoryDestination;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Copy and streaming throughput and peak RSS of the replicator, each against the read limit of
 * the same data measured in the same run on the same servers:
 *
 * <ul>
 *   <li>copy: rows/s of our pipeline's initial copy of one table into the memory and the
 *       PostgreSQL destination, against {@code COPY … TO STDOUT} into a discarding sink (the read
 *       limit) and a bare {@code COPY TO STDOUT} → {@code COPY FROM STDIN} pipe between the two
 *       servers (the transfer limit);
 *   <li>streaming: change events/s of our pipeline catching up a backlog of pgbench-style
 *       transactions into each destination, and of Debezium's embedded engine consuming the same
 *       backlog, against a bare read of a slot over the same WAL that decodes nothing (the read
 *       limit).
 * </ul>
 *
 * <p>This JVM starts the embedded servers and measures the read limits; every measured case of a
 * replicator runs in a child JVM of its own ({@link ChildJvm}), so its CPU time and peak RSS are
 * its own and the servers' are nobody's. Arguments: {@code [rows] [transactions]}, default
 * 5,000,000 and 100,000. Not a test: it prints figures and never fails on them.
 */
public final class CopyAndStreamBench {
  private static final int PGBENCH_SCALE = 10;
  private static final String RAW_SLOT = "bench_raw";

  private final PostgresServer source;
  private final PostgresServer destination;
  private final Endpoints endpoints;
  private final ReadLimits limits;
  private final ChildJvm child;
  private final ResultTable table = new ResultTable();

  private CopyAndStreamBench(PostgresServer source, PostgresServer destination) {
    this.source = source;
    this.destination = destination;
    this.endpoints = Endpoints.of(source, destination);
    this.limits = new ReadLimits(endpoints);
    this.child = new ChildJvm(endpoints);
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int transactions = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    System.out.printf(Locale.ROOT, "bench: %,d rows to copy, %,d pgbench transactions (%,d changes) to stream;"
            + " %d cores; each measured case in a child JVM with %s%n",
        rows, transactions, (long) transactions * PgbenchLoad.CHANGES_PER_TRANSACTION,
        Runtime.getRuntime().availableProcessors(), ChildJvm.HEAP);
    long start = System.nanoTime();
    try (PostgresServer source = PostgresServer.start(); PostgresServer destination = PostgresServer.start()) {
      new CopyAndStreamBench(source, destination).run(rows, transactions);
    }
    System.out.printf(Locale.ROOT, "bench: done in %.0f s%n", Seconds.since(start));
  }

  private void run(int rows, int transactions) throws Exception {
    SourceData.load(source, rows, PGBENCH_SCALE);
    copy(rows);
    stream(transactions);
    table.print();
  }

  private void copy(int rows) throws Exception {
    String big = SourceData.COPY_TABLE;
    Measurement readLimit = timed(rows, () -> limits.copyToDiscard(big));
    table.add("copy", "COPY TO STDOUT → discard (read limit)", readLimit, readLimit, null);
    destination.execute("CREATE TABLE " + big + " " + SourceData.COPY_TABLE_COLUMNS);
    table.add("copy", "COPY TO STDOUT → COPY FROM STDIN (transfer limit)", timed(rows, () -> limits.copyPipe(big)),
        readLimit, null);
    destination.execute("DROP TABLE " + big);

    table.add("copy", "etl pipeline → memory destination", child.run(MeasuredCase.COPY_MEMORY, rows), readLimit, null);
    table.add("copy", "etl pipeline → PostgreSQL destination", child.run(MeasuredCase.COPY_POSTGRES, rows), readLimit, null);
    String held = destination.queryOne("postgres", "SELECT count(*) FROM " + big);
    Checks.warnUnless(String.valueOf(rows).equals(held), "the PostgreSQL destination holds " + held + " of " + rows + " rows");
    // the copy pipelines are done with: their slots must not hold back WAL during the streaming phase
    for (boolean intoMemory : new boolean[] {true, false}) {
      dropSlot(PipelineRun.applySlot(PipelineCopyCase.pipelineId(intoMemory)));
    }
  }

  private void stream(int transactions) throws Exception {
    prepareStreamingPipelines();
    source.execute("SELECT pg_create_logical_replication_slot('" + RAW_SLOT + "', 'pgoutput')");
    source.execute("SELECT pg_create_logical_replication_slot('" + DebeziumStreamCase.SLOT + "', 'pgoutput')");

    long start = System.nanoTime();
    new PgbenchLoad(endpoints, PGBENCH_SCALE).write(transactions);
    System.out.printf(Locale.ROOT, "bench: wrote %,d transactions in %.1f s%n", transactions, Seconds.since(start));
    for (List<String> slot : source.query("postgres", "SELECT slot_name, pg_size_pretty(pg_current_wal_lsn() - confirmed_flush_lsn),"
        + " pg_size_pretty(pg_current_wal_lsn() - restart_lsn) FROM pg_replication_slots ORDER BY slot_name")) {
      System.out.printf(Locale.ROOT, "bench: slot %-27s backlog %8s of WAL (%8s from where decoding restarts)%n",
          slot.get(0), slot.get(1), slot.get(2));
    }

    long events = (long) transactions * PgbenchLoad.CHANGES_PER_TRANSACTION;
    Measurement readLimit = timed(events,
        () -> limits.readSlotWithoutDecoding(RAW_SLOT, SourceData.STREAM_PUBLICATION, transactions + 1L));
    table.add("stream", "bare read of the slot, no decoding (read limit)", readLimit, readLimit, null);
    Measurement memory = child.run(MeasuredCase.STREAM_MEMORY, events);
    Measurement postgres = child.run(MeasuredCase.STREAM_POSTGRES, events);
    Measurement debezium = child.run(MeasuredCase.DEBEZIUM, events);
    table.add("stream", "etl pipeline → memory destination", memory, readLimit, debezium);
    table.add("stream", "etl pipeline → PostgreSQL destination", postgres, readLimit, debezium);
    table.add("stream", "Debezium embedded 3.6.1 → counting consumer", debezium, readLimit, debezium);
    for (String t : SourceData.PGBENCH_TABLES) {
      Checks.warnUnless(source.contentFingerprint("postgres", t).equals(destination.contentFingerprint("postgres", t)),
          "the PostgreSQL destination's " + t + " differs from the source's after streaming");
    }
  }

  /**
   * Our streaming pipelines copy the pgbench tables here, unmeasured, so that their slots and
   * table states exist before the load is written and the measured runs only stream.
   */
  private void prepareStreamingPipelines() throws Exception {
    long start = System.nanoTime();
    new PipelineRun(endpoints, PipelineStreamCase.pipelineId(true), SourceData.STREAM_PUBLICATION)
        .runUntilCopied(new MemoryDestination());
    PipelineRun intoPostgres =
        new PipelineRun(endpoints, PipelineStreamCase.pipelineId(false), SourceData.STREAM_PUBLICATION);
    try (PostgresDestination postgres = intoPostgres.postgresDestination()) {
      intoPostgres.runUntilCopied(postgres);
    }
    System.out.printf(Locale.ROOT, "bench: streaming pipelines prepared (pgbench tables copied) in %.1f s%n",
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
