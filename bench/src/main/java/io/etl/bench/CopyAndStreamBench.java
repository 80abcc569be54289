package io.etl.bench;

import io.etl.core.config.BatchConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineSettings;
import io.etl.core.config.StateStoreConfig;
import io.etl.core.config.TableSyncConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.Pipeline;
import io.etl.core.pipeline.PipelineStatus;
import io.etl.core.schema.TableId;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.PGReplicationStream;

/**
 * Copy and streaming throughput of the replicator, each against the read limit of the same data
 * measured in the same run on the same servers:
 *
 * <ul>
 *   <li>copy: rows/s of the pipeline's initial copy of one table into the memory and the
 *       PostgreSQL destination, against {@code COPY … TO STDOUT} into a discarding sink (the read
 *       limit) and against a bare {@code COPY TO STDOUT} → {@code COPY FROM STDIN} pipe between
 *       the two servers (the transfer limit);
 *   <li>streaming: change events/s of the pipeline catching up a backlog of committed changes
 *       into each destination, against a bare read of a slot over the same WAL that decodes
 *       nothing (the read limit).
 * </ul>
 *
 * <p>Arguments: {@code [rows] [streamed changes]}, default 1,000,000 and 300,000. Not a test:
 * it prints figures and never fails on them.
 */
public final class CopyAndStreamBench {
  private static final String PUBLICATION = "bench_pub";
  private static final TableId BIG = new TableId("public", "big");
  private static final int TX_SIZE = 500;

  private final PostgresServer source;
  private final PostgresServer destination;
  private final List<String[]> results = new ArrayList<>();

  private CopyAndStreamBench(PostgresServer source, PostgresServer destination) {
    this.source = source;
    this.destination = destination;
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    System.out.printf(Locale.ROOT, "bench: %d rows to copy, %d changes to stream; %d cores, max heap %d MiB%n",
        rows, changes, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    try (PostgresServer source = PostgresServer.start(); PostgresServer destination = PostgresServer.start()) {
      new CopyAndStreamBench(source, destination).run(rows, changes);
    }
  }

  private void run(int rows, int changes) throws Exception {
    load(rows);

    double readLimit = rowsPerSecond(rows, this::copyToDiscard);
    record("copy", "COPY TO STDOUT → discard (read limit)", readLimit, readLimit);
    destination.execute("CREATE TABLE big (id bigint PRIMARY KEY, account int, amount numeric(12,2), note text, at timestamptz)");
    double pipe = rowsPerSecond(rows, this::copyPipe);
    record("copy", "COPY TO STDOUT → COPY FROM STDIN (transfer limit)", pipe, readLimit);
    destination.execute("DROP TABLE big");

    MemoryDestination memory = new MemoryDestination();
    record("copy", "etl pipeline → memory destination", rowsPerSecond(rows, () -> copyWithPipeline("bench_mem", memory)), readLimit);
    try (PostgresDestination postgres = postgresDestination()) {
      record("copy", "etl pipeline → PostgreSQL destination", rowsPerSecond(rows, () -> copyWithPipeline("bench_pg", postgres)), readLimit);
    }
    check(memory.rowCount(BIG) == rows, "memory destination holds " + memory.rowCount(BIG) + " rows");
    check(destination.queryOne("postgres", "SELECT count(*) FROM big").equals(String.valueOf(rows)), "PostgreSQL destination holds every row");

    // streaming: a backlog behind three slots that start at the same position
    try (Connection c = source.connect()) {
      c.createStatement().execute("SELECT pg_create_logical_replication_slot('bench_raw', 'pgoutput')");
    }
    writeChanges(rows, changes);
    long commits = (changes + TX_SIZE - 1) / TX_SIZE + 1;
    double rawRead = eventsPerSecond(changes, () -> readSlotWithoutDecoding("bench_raw", commits));
    record("stream", "bare read of the slot, no decoding (read limit)", rawRead, rawRead);
    record("stream", "etl pipeline → memory destination",
        eventsPerSecond(changes, () -> catchUp("bench_mem", memory, () -> memoryHasMarker(memory))), rawRead);
    try (PostgresDestination postgres = postgresDestination()) {
      record("stream", "etl pipeline → PostgreSQL destination",
          eventsPerSecond(changes, () -> catchUp("bench_pg", postgres, this::postgresHasMarker)), rawRead);
    }
    String sourceFingerprint = source.contentFingerprint("postgres", "public.big");
    check(sourceFingerprint.equals(destination.contentFingerprint("postgres", "public.big")),
        "PostgreSQL destination equals the source after streaming");
    print();
  }

  // ---- data

  private void load(int rows) {
    long start = System.nanoTime();
    source.executeIn("postgres",
        "CREATE TABLE big (id bigint PRIMARY KEY, account int, amount numeric(12,2), note text, at timestamptz)",
        "INSERT INTO big SELECT g, g % 1000, (g % 100000) / 100.0, 'note ' || md5(g::text), now() - g * interval '1 second'"
            + " FROM generate_series(1, " + rows + ") g",
        "CREATE TABLE bench_marker (id int PRIMARY KEY)",
        "VACUUM ANALYZE big",
        "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE big, bench_marker");
    System.out.printf(Locale.ROOT, "bench: loaded %d rows (%s) in %.1f s%n", rows,
        source.queryOne("postgres", "SELECT pg_size_pretty(pg_total_relation_size('big'))"), seconds(start));
  }

  /** pgbench-like: transactions of {@value #TX_SIZE} changes, two inserts per update and delete; then a marker. */
  private void writeChanges(int rows, int changes) throws SQLException {
    long start = System.nanoTime();
    try (Connection c = source.connect(); var s = c.createStatement()) {
      long nextId = rows + 1L;
      long nextOld = 1;
      int written = 0;
      while (written < changes) {
        int n = Math.min(TX_SIZE, changes - written);
        int inserts = n / 2;
        int updates = (n - inserts) / 2;
        int deletes = n - inserts - updates;
        c.setAutoCommit(false);
        s.execute("INSERT INTO big SELECT g, g % 1000, 1.50, 'streamed ' || g, now() FROM generate_series("
            + nextId + ", " + (nextId + inserts - 1) + ") g");
        s.execute("UPDATE big SET amount = amount + 1, note = 'updated' WHERE id BETWEEN " + nextOld + " AND " + (nextOld + updates - 1));
        s.execute("DELETE FROM big WHERE id BETWEEN " + (nextOld + updates) + " AND " + (nextOld + updates + deletes - 1));
        c.commit();
        nextId += inserts;
        nextOld += updates + deletes;
        written += n;
      }
      c.setAutoCommit(true);
      s.execute("INSERT INTO bench_marker VALUES (1)");
      System.out.printf(Locale.ROOT, "bench: wrote %d changes in %.1f s; backlog %s of WAL%n", changes, seconds(start),
          source.queryOne("postgres", "SELECT pg_size_pretty(pg_current_wal_lsn() - confirmed_flush_lsn) FROM pg_replication_slots"
              + " WHERE slot_name = 'bench_raw'"));
    }
  }

  // ---- baselines

  private void copyToDiscard() throws Exception {
    try (Connection c = source.connect()) {
      c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY big TO STDOUT", OutputStream.nullOutputStream());
    }
  }

  private void copyPipe() throws Exception {
    try (Connection from = source.connect(); Connection to = destination.connect()) {
      CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY big TO STDOUT");
      CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY big FROM STDIN");
      byte[] line;
      while ((line = out.readFromCopy()) != null) {
        in.writeToCopy(line, 0, line.length);
      }
      in.endCopy();
    }
  }

  /** Reads the slot until the {@code commits}-th commit message, looking at nothing but each message's first byte. */
  private void readSlotWithoutDecoding(String slot, long commits) throws Exception {
    Properties props = new Properties();
    PGProperty.USER.set(props, "postgres");
    PGProperty.PASSWORD.set(props, PostgresServer.PASSWORD);
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    try (Connection c = DriverManager.getConnection(source.jdbcUrl("postgres"), props)) {
      PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot).withSlotOption("proto_version", "1").withSlotOption("publication_names", PUBLICATION)
          .start();
      long seen = 0;
      while (seen < commits) {
        ByteBuffer message = stream.readPending();
        if (message == null) {
          Thread.onSpinWait();
        } else if (message.get(message.position()) == 'C') {
          seen++;
        }
      }
      stream.close();
    }
  }

  // ---- the pipeline

  private PipelineConfig config(String id, String destinationType) {
    return new PipelineConfig(
        new PipelineSettings(id, PUBLICATION),
        source.connectionConfig("postgres", "BENCH_PASSWORD"),
        new DestinationConfig(destinationType, destinationType.equals("postgres")
            ? destination.connectionConfig("postgres", "BENCH_PASSWORD") : null),
        new BatchConfig(null, null, null, null),
        new TableSyncConfig(null, null, null, null),
        null, new StateStoreConfig("postgres"), null, null);
  }

  private PostgresDestination postgresDestination() {
    return new PostgresDestination(destination.connectionConfig("postgres", "BENCH_PASSWORD"), PostgresServer.PASSWORD);
  }

  private void copyWithPipeline(String id, Destination target) throws Exception {
    String type = target instanceof MemoryDestination ? "memory" : "postgres";
    try (Pipeline pipeline = new Pipeline(config(id, type), target, EtlMetrics.noop(), Map.of("BENCH_PASSWORD", PostgresServer.PASSWORD))) {
      runUntil(pipeline, () -> allStreaming(pipeline.status()));
    }
  }

  private void catchUp(String id, Destination target, BooleanSupplier done) throws Exception {
    String type = target instanceof MemoryDestination ? "memory" : "postgres";
    try (Pipeline pipeline = new Pipeline(config(id, type), target, EtlMetrics.noop(), Map.of("BENCH_PASSWORD", PostgresServer.PASSWORD))) {
      runUntil(pipeline, done);
    }
  }

  private static void runUntil(Pipeline pipeline, BooleanSupplier done) throws Exception {
    Throwable[] failure = new Throwable[1];
    Thread runner = new Thread(() -> {
      try {
        pipeline.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, "bench-pipeline");
    runner.start();
    while (!done.getAsBoolean()) {
      if (!runner.isAlive()) {
        throw new IllegalStateException("the pipeline ended early", failure[0]);
      }
      Thread.sleep(20);
    }
    pipeline.stop();
    runner.join();
  }

  private static boolean allStreaming(PipelineStatus status) {
    return !status.tables().isEmpty()
        && status.tables().stream().allMatch(t -> t.state().equals("ready") || t.state().equals("sync_done"));
  }

  private static boolean memoryHasMarker(MemoryDestination memory) {
    return memory.rowCount(new TableId("public", "bench_marker")) > 0;
  }

  private boolean postgresHasMarker() {
    return destination.queryOne("postgres", "SELECT count(*) FROM bench_marker").equals("1");
  }

  // ---- measuring and printing

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private static double rowsPerSecond(long n, Work work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return n / seconds(start);
  }

  private static double eventsPerSecond(long n, Work work) throws Exception {
    return rowsPerSecond(n, work);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private void record(String phase, String what, double perSecond, double limit) {
    results.add(new String[] {phase, what, String.format(Locale.ROOT, "%,.0f", perSecond),
        String.format(Locale.ROOT, "%.2f", perSecond / limit)});
    System.out.printf(Locale.ROOT, "bench: %-6s %-52s %12s/s%n", phase, what, results.get(results.size() - 1)[2]);
  }

  private void print() {
    System.out.println();
    System.out.printf(Locale.ROOT, "| %-6s | %-52s | %16s | %16s |%n", "phase", "what", "rows or events/s", "ratio to limit");
    System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%n", "-".repeat(8), "-".repeat(54), "-".repeat(18), "-".repeat(18));
    for (String[] r : results) {
      System.out.printf(Locale.ROOT, "| %-6s | %-52s | %16s | %16s |%n", r[0], r[1], r[2], r[3]);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("bench: WARNING, check failed: " + what);
    }
  }
}
