package io.etl.bench;

import io.etl.core.testing.PostgresServer;
import io.etl.core.replication.ReplicationSlots;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * bench/soak.sh: the replicator as a child process, started as the README starts it and SIGKILLed
 * at random moments, again and again, during the copy and while streaming, as {@code pgbench}
 * writes into the source all the while; then one last run converges and every table of the
 * destination is compared with the source (row count and two content hashes). Every tenth kill
 * also drops the apply slot, so every table is copied again and later kills hit copies too. Not a test: it
 * prints what happened and exits 1 if a table differs.
 *
 * <p>Usage: {@code Soak [kills (default 100)] [pgbench scale (default 5)] [seed]}
 */
public final class Soak {
  private static final String PIPELINE = "soak";
  private static final List<String> TABLES =
      List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history", "events");
  private static final Path WORK = Path.of("bench", "target", "soak");

  private Soak() {}

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int scale = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    Random random = new Random(seed);
    Files.createDirectories(WORK);
    System.out.printf(Locale.ROOT, "soak: %d kills, pgbench scale %d, seed %d%n", kills, scale, seed);
    try (PostgresServer source = PostgresServer.start(); PostgresServer destination = PostgresServer.start()) {
      prepareSource(source, scale);
      Path config = writeConfig(source, destination);
      Map<String, Integer> killedIn = new TreeMap<>();
      int slotsLost = 0;
      long started = System.nanoTime();
      try (Pgbench writer = Pgbench.start(source, WORK.resolve("pgbench.log"))) {
        for (int kill = 1; kill <= kills; kill++) {
          try (Replicator replicator = Replicator.start(config, WORK.resolve("replicator.log"))) {
            // the first moments after a start (connect, slots, copy) are where crashes hurt most
            long waitMs = random.nextInt(10) < 3 ? 200 + random.nextInt(1500) : 1500 + random.nextInt(6000);
            Thread.sleep(waitMs);
            String phase = phases(source);
            replicator.kill();
            killedIn.merge(phase, 1, Integer::sum);
          }
          // every tenth kill also loses the apply slot (as a fail-over without slot sync would):
          // every table is copied again, so the next kills land in copies too
          if (kill % 10 == 5) {
            try (Connection c = source.connect()) {
              ReplicationSlots.dropIfExists(c, "etl_" + PIPELINE + "_apply");
            }
            slotsLost++;
          }
          if (kill % 10 == 0) {
            System.out.printf(Locale.ROOT, "soak: %d kills so far (%.0f s); table phases at the kills: %s%n", kill,
                (System.nanoTime() - started) / 1e9, killedIn);
          }
        }
        writer.stop();
        // each pgbench transaction inserts one history row
        System.out.printf(Locale.ROOT, "soak: %d SIGKILLs done; pgbench committed %s transactions meanwhile%n", kills,
            source.queryOne("postgres", "SELECT count(*) FROM pgbench_history"));
      }
      try (Replicator last = Replicator.start(config, WORK.resolve("replicator.log"))) {
        boolean equal = awaitEqual(source, destination, TimeUnit.MINUTES.toNanos(10));
        Map<String, String> src = fingerprints(source);
        Map<String, String> dst = fingerprints(destination);
        System.out.println("soak: table            source (rows:hash:hash)                         destination");
        for (String table : TABLES) {
          System.out.printf(Locale.ROOT, "  %-18s %-45s %s %s%n", table, src.get(table), dst.get(table),
              src.get(table).equals(dst.get(table)) ? "EQUAL" : "DIFFERENT");
        }
        System.out.println("soak: kills by the phases the tables were in: " + killedIn + "; apply slot lost " + slotsLost
            + " times (every table copied again each time)");
        last.terminate();
        if (!equal) {
          System.out.println("soak: the destination differs from the source; logs in " + WORK.toAbsolutePath());
          System.exit(1);
        }
        System.out.println("soak: every table equal after " + kills + " SIGKILLs");
      }
    }
  }

  private static void prepareSource(PostgresServer source, int scale) throws Exception {
    Pgbench.initialize(source, scale, WORK.resolve("pgbench-init.log"));
    source.executeIn("postgres",
        // pgbench_history has no key: updates and deletes of it would need the whole old row
        "ALTER TABLE pgbench_history REPLICA IDENTITY FULL",
        "CREATE TABLE events (id bigserial PRIMARY KEY, kind text, payload jsonb, at timestamptz DEFAULT now())",
        "INSERT INTO events (kind, payload) SELECT 'seed', jsonb_build_object('n', g) FROM generate_series(1, 100000) g",
        "CREATE PUBLICATION soak_pub FOR TABLE " + String.join(", ", TABLES));
  }

  private static Path writeConfig(PostgresServer source, PostgresServer destination) throws IOException {
    return Files.writeString(WORK.resolve("pipeline.yaml"), """
        pipeline:
          id: %s
          publication: soak_pub
        source:
          host: localhost
          port: %d
          database: postgres
          user: postgres
          password: {env: SOURCE_PASSWORD}
          sslMode: disable
        destination:
          type: postgres
          postgres:
            host: localhost
            port: %d
            database: postgres
            user: postgres
            password: {env: DESTINATION_PASSWORD}
            sslMode: disable
        batch:
          maxFillMs: 100
        tableSync:
          maxWorkers: 3
          rangesPerTable: 3
          parallelMinPages: 256
        retry:
          initialBackoffMs: 200
          maxBackoffMs: 2000
        http:
          port: 0
          bindAddress: 127.0.0.1
        """.formatted(PIPELINE, source.port(), destination.port()));
  }

  /** The table phases as the state store has them right now, e.g. {@code data_sync+ready}. */
  private static String phases(PostgresServer source) {
    try {
      List<List<String>> rows = source.query("postgres",
          "SELECT DISTINCT phase FROM etl.table_states WHERE pipeline_id = '" + PIPELINE + "' ORDER BY 1");
      return rows.isEmpty() ? "starting" : String.join("+", rows.stream().map(r -> r.get(0)).toList());
    } catch (IllegalStateException notCreatedYet) {
      return "starting";
    }
  }

  private static boolean awaitEqual(PostgresServer source, PostgresServer destination, long limitNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + limitNanos;
    while (System.nanoTime() < deadline) {
      try {
        if (fingerprints(source).equals(fingerprints(destination))) {
          return true;
        }
      } catch (IllegalStateException tableNotCreatedYet) {
        // the last run has not created every destination table yet
      }
      Thread.sleep(2000);
    }
    return false;
  }

  private static Map<String, String> fingerprints(PostgresServer server) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String table : TABLES) {
      result.put(table, server.contentFingerprint("postgres", table));
    }
    return result;
  }

  /** The replicator, started with the README's command from the repository root. */
  private static final class Replicator implements AutoCloseable {
    private final Process process;

    private Replicator(Process process) {
      this.process = process;
    }

    static Replicator start(Path config, Path log) throws IOException {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c",
          "exec java -cp 'replicator-image/target/lib/*' io.etl.replicator.Main " + config)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("SOURCE_PASSWORD", PostgresServer.PASSWORD);
      builder.environment().put("DESTINATION_PASSWORD", PostgresServer.PASSWORD);
      return new Replicator(builder.start());
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    void terminate() throws InterruptedException {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  /** PostgreSQL's own pgbench: TPC-B-like transactions (three updates and an insert into the keyless history). */
  private static final class Pgbench implements AutoCloseable {
    private final Process process;

    private Pgbench(Process process) {
      this.process = process;
    }

    static void initialize(PostgresServer source, int scale, Path log) throws Exception {
      Process init = command(source, log, "pgbench", "-i", "-q", "-s", Integer.toString(scale)).start();
      if (init.waitFor() != 0) {
        throw new IllegalStateException("pgbench -i failed; see " + log.toAbsolutePath());
      }
    }

    static Pgbench start(PostgresServer source, Path log) throws IOException {
      // long enough for any soak; stopped with SIGINT
      return new Pgbench(command(source, log, "pgbench", "-n", "-c", "4", "-T", "86400", "-R", "300").start());
    }

    private static ProcessBuilder command(PostgresServer source, Path log, String... args) {
      List<String> command = new ArrayList<>(List.of(args));
      command.addAll(List.of("-h", "localhost", "-p", Integer.toString(source.port()), "-U", "postgres", "postgres"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("PGPASSWORD", PostgresServer.PASSWORD);
      return builder;
    }

    void stop() throws Exception {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
      process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
