package io.etl.replicator.demo;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.destinations.postgres.PostgresDestination;
import io.etl.replicator.ExitCode;
import io.etl.replicator.FailureLine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The README's first command: two embedded PostgreSQL servers, sample tables, a pipeline between
 * them, a writer that keeps changing the source, and a progress line every two seconds until
 * Ctrl-C (or {@code --seconds N}). Ends by comparing source and destination: exit code 0 if every
 * table is equal, 1 if not.
 */
public final class Demo {
  private static final String PASSWORD = "demo";
  private static final String[] TABLES = {"customers", "orders", "events"};

  private Demo() {}

  public static void main(String[] args) throws Exception {
    long seconds;
    try {
      seconds = seconds(args);
    } catch (IllegalArgumentException e) {
      System.err.println(FailureLine.format(e.getMessage(),
          "run it without arguments (Ctrl-C stops it) or with --seconds N, N a whole number of seconds above 0"));
      System.exit(ExitCode.INVALID_CONFIG.code());
      return;
    }
    CountDownLatch stopRequested = stopOnCtrlC();
    System.out.println("etl demo: starting two embedded PostgreSQL servers (source and destination)…");
    boolean equal;
    try (EmbeddedPostgres source = start(); EmbeddedPostgres destination = start()) {
      prepareSource(source.getPort());
      PipelineConfig config = config(source.getPort(), destination.getPort());
      Map<String, String> env = Map.of("DEMO_PASSWORD", PASSWORD);
      try (PostgresDestination dest =
              new PostgresDestination(config.destination().postgres(), PASSWORD, config.pipeline().id());
          PipelineRuntime pipeline = new PipelineRuntime(config, dest, EtlMetrics.noop(), env)) {
        Thread runner = new Thread(() -> {
          try {
            pipeline.run();
          } catch (Exception e) {
            System.err.println("etl: " + e.getMessage());
          }
        }, "pipeline");
        runner.start();
        Writer writer = new Writer(source.getPort());
        Thread writerThread = new Thread(writer, "demo-writer");
        writerThread.setDaemon(true);
        writerThread.start();
        printProgress(pipeline, writer, seconds, stopRequested);
        System.out.println("etl demo: stopping the writer, waiting for the pipeline to catch up");
        writer.stop();
        writerThread.join();
        waitForCatchUp(pipeline, source.getPort());
        pipeline.stop();
        runner.join();
        equal = compare(source.getPort(), destination.getPort());
      }
    }
    System.exit(equal ? ExitCode.STOPPED.code() : ExitCode.INTERNAL_ERROR.code());
  }

  private static long seconds(String[] args) {
    if (args.length == 0) {
      return Long.MAX_VALUE;
    }
    if (args.length == 2 && args[0].equals("--seconds")) {
      try {
        long seconds = Long.parseLong(args[1]);
        if (seconds > 0) {
          return seconds;
        }
      } catch (NumberFormatException e) {
        // reported below with what was given
      }
    }
    throw new IllegalArgumentException("unknown arguments '" + String.join(" ", args) + "'");
  }

  /**
   * Ctrl-C (and SIGTERM) ends the progress loop instead of the JVM: the JVM's own handler would
   * run the shutdown hooks, among them the embedded servers' own, which stop both servers while
   * the comparison still needs them. A second Ctrl-C quits at once.
   */
  private static CountDownLatch stopOnCtrlC() {
    CountDownLatch stopRequested = new CountDownLatch(1);
    SignalHandler handler = signal -> {
      if (stopRequested.getCount() == 0) {
        System.err.println("etl demo: stopped without comparing");
        Runtime.getRuntime().halt(130);
      }
      System.out.println("etl demo: stopping (Ctrl-C again to quit without comparing)");
      stopRequested.countDown();
    };
    Signal.handle(new Signal("INT"), handler);
    Signal.handle(new Signal("TERM"), handler);
    return stopRequested;
  }

  private static EmbeddedPostgres start() throws java.io.IOException {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_replication_slots", "20")
        .setServerConfig("max_wal_senders", "20")
        .start();
    execute(pg.getPort(), "ALTER USER postgres PASSWORD '" + PASSWORD + "'");
    return pg;
  }

  private static PipelineConfig config(int sourcePort, int destinationPort) {
    SecretRef password = new SecretRef("DEMO_PASSWORD", null);
    return PipelineConfig.builder()
        .pipeline("demo", "demo_pub")
        .source(new PostgresConnectionConfig("localhost", sourcePort, "postgres", "postgres", password, "disable"))
        .destination(new DestinationConfig("postgres",
            new PostgresConnectionConfig("localhost", destinationPort, "postgres", "postgres", password, "disable")))
        .http(new HttpConfig(0, "127.0.0.1"))
        .build();
  }

  private static void prepareSource(int port) throws SQLException {
    System.out.println("etl demo: creating sample tables (200,000 customers, 300,000 orders, 100,000 events)…");
    execute(port,
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, created_at timestamptz DEFAULT now())",
        "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2), status text)",
        "CREATE TABLE events (id bigserial PRIMARY KEY, kind text, payload jsonb, at timestamptz DEFAULT now())",
        "INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 200000) g",
        "INSERT INTO orders (customer_id, amount, status) SELECT 1 + g % 200000, (g % 10000) / 100.0, 'new' FROM generate_series(1, 300000) g",
        "INSERT INTO events (kind, payload) SELECT 'seed', jsonb_build_object('n', g) FROM generate_series(1, 100000) g",
        "CREATE PUBLICATION demo_pub FOR TABLE customers, orders, events");
  }

  private static void printProgress(PipelineRuntime pipeline, Writer writer, long seconds, CountDownLatch stopRequested)
      throws InterruptedException {
    long lastApplied = 0;
    long lastNanos = System.nanoTime();
    long end = seconds == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    System.out.println("etl demo: pipeline running; progress every 2 s (Ctrl-C to stop)");
    while (System.nanoTime() < end && !stopRequested.await(2, TimeUnit.SECONDS)) {
      RuntimeStatus s = pipeline.status();
      long now = System.nanoTime();
      double eventsPerSecond = (s.eventsApplied() - lastApplied) * 1e9 / (now - lastNanos);
      lastApplied = s.eventsApplied();
      lastNanos = now;
      long ready = s.tables().stream().filter(t -> t.state().equals("ready") || t.state().equals("sync_done")).count();
      long copied = s.tables().stream().mapToLong(RuntimeStatus.TableStatus::rowsCopied).sum();
      System.out.printf("phase=%-9s tables copied %d/%d  rows copied %,d  events applied %,d (%.0f/s)  source writes %,d  lag %s%s%n",
          s.phase().name().toLowerCase(), ready, s.tables().size(), copied, s.eventsApplied(), eventsPerSecond,
          writer.writes.get(), s.lagBytes() == null ? "?" : s.lagBytes() + " B",
          s.lastError() == null ? "" : "  last error: " + s.lastError().reason());
    }
  }

  private static void waitForCatchUp(PipelineRuntime pipeline, int sourcePort) throws Exception {
    String target = query(sourcePort, "SELECT pg_current_wal_lsn()::text");
    io.etl.core.replication.Lsn lsn = io.etl.core.replication.Lsn.parse(target);
    for (int i = 0; i < 600; i++) {
      String confirmed = pipeline.status().confirmedFlushLsn();
      if (confirmed != null && !io.etl.core.replication.Lsn.parse(confirmed).isBefore(lsn)) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Prints each table's row count and content hash on both sides; true if every table is equal. */
  private static boolean compare(int sourcePort, int destinationPort) throws SQLException {
    System.out.println("etl demo: source vs destination (row count : content hash)");
    boolean allEqual = true;
    for (String table : TABLES) {
      String sql = "SELECT count(*) || ' : ' || coalesce(sum(hashtextextended(t::text, 0)::numeric), 0) FROM " + table + " t";
      String s = query(sourcePort, sql);
      String d = query(destinationPort, sql);
      System.out.printf("  %-10s source %s  destination %s  %s%n", table, s, d, s.equals(d) ? "EQUAL" : "DIFFERENT");
      allEqual &= s.equals(d);
    }
    return allEqual;
  }

  private static final class Writer implements Runnable {
    private final int port;
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean running = true;

    Writer(int port) {
      this.port = port;
    }

    void stop() {
      running = false;
    }

    @Override
    public void run() {
      try (Connection c = connect(port)) {
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer_id, amount, status) VALUES (?, ?, 'new')");
            PreparedStatement update = c.prepareStatement("UPDATE orders SET status = 'paid' WHERE id = ?");
            PreparedStatement event = c.prepareStatement("INSERT INTO events (kind, payload) VALUES ('order', jsonb_build_object('order', ?))");
            PreparedStatement delete = c.prepareStatement("DELETE FROM events WHERE id = ?")) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          while (running) {
            for (int i = 0; i < 20; i++) {
              insert.setLong(1, 1 + random.nextInt(200000));
              insert.setBigDecimal(2, java.math.BigDecimal.valueOf(random.nextInt(100000), 2));
              insert.executeUpdate();
              update.setLong(1, 1 + random.nextInt(300000));
              update.executeUpdate();
              event.setLong(1, random.nextInt(1000000));
              event.executeUpdate();
              delete.setLong(1, 1 + random.nextInt(100000));
              delete.executeUpdate();
            }
            c.commit();
            writes.addAndGet(80);
            Thread.sleep(5);
          }
        }
      } catch (SQLException | InterruptedException e) {
        if (running) {
          System.err.println("etl demo: writer stopped: " + e.getMessage());
        }
      }
    }
  }

  private static Connection connect(int port) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", PASSWORD);
  }

  private static void execute(int port, String... statements) {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres",
            statements[0].startsWith("ALTER USER") ? "" : PASSWORD);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String query(int port, String sql) throws SQLException {
    try (Connection c = connect(port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
