package io.etl.bench;

import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * The apply limit: PostgreSQL's own logical replication. In a database of its own on the
 * destination server ({@value #DATABASE}) it gets the streamed tables with the source's content
 * at the moment the slots are created, and a subscription created disabled on a slot of its own,
 * created with the others before the load ({@code create_slot = false, copy_data = false,
 * enabled = false}). Measured: from {@code ALTER SUBSCRIPTION … ENABLE} until the marker row is
 * in its tables. The apply worker is a process of the destination server, so its CPU and memory
 * are not reported.
 *
 * <p>The embedded servers need no other settings for it: the subscription needs one apply worker
 * on the destination (defaults {@code max_worker_processes} 8, {@code
 * max_logical_replication_workers} 4; {@code copy_data = false} starts no table sync workers), one
 * more slot and walsender on the source ({@code max_replication_slots}, {@code max_wal_senders}
 * 40), and its connection is a password log-in over 127.0.0.1, which the servers' pg_hba.conf
 * admits.
 */
final class NativeSubscription {
  static final String DATABASE = "bench_native";
  static final String SLOT = "bench_native_sub";
  private static final String SUBSCRIPTION = "bench_native";
  private static final long POLL_MILLIS = 5;

  private final PostgresServer source;
  private final PostgresServer destination;

  NativeSubscription(PostgresServer source, PostgresServer destination) {
    this.source = source;
    this.destination = destination;
  }

  /** Before the load: the tables with the source's content, its slot, the disabled subscription. */
  void prepare() throws Exception {
    long start = System.nanoTime();
    destination.execute("CREATE DATABASE " + DATABASE);
    destination.executeIn(DATABASE, SourceData.STREAM_TABLES_DDL.toArray(String[]::new));
    try (Connection from = source.connect(); Connection to = destination.connect(DATABASE)) {
      for (String table : SourceData.STREAM_TABLES) {
        CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT");
        CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
        byte[] line;
        while ((line = out.readFromCopy()) != null) {
          in.writeToCopy(line, 0, line.length);
        }
        in.endCopy();
      }
    }
    source.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    // the benchmark's own local servers: this password is nobody's secret
    destination.executeIn(DATABASE, "CREATE SUBSCRIPTION " + SUBSCRIPTION
        + " CONNECTION 'host=localhost port=" + source.port() + " dbname=" + Endpoints.DATABASE + " user=" + Endpoints.USER
        + " password=" + Endpoints.PASSWORD + "' PUBLICATION " + SourceData.STREAM_PUBLICATION
        + " WITH (create_slot = false, slot_name = '" + SLOT + "', copy_data = false, enabled = false)");
    System.out.printf(Locale.ROOT, "bench: native subscription prepared (tables copied into database %s) in %.1f s%n",
        DATABASE, Seconds.since(start));
  }

  /** Enables the subscription and returns when the marker row is applied (throws after {@code limitMillis}). */
  void applyBacklog(long limitMillis) throws Exception {
    try (Connection c = destination.connect(DATABASE); Statement s = c.createStatement()) {
      s.execute("ALTER SUBSCRIPTION " + SUBSCRIPTION + " ENABLE");
      long deadline = System.nanoTime() + limitMillis * 1_000_000L;
      while (true) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the native subscription had not applied the marker after " + limitMillis / 1000
              + " s (see the destination server's log)");
        }
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SourceData.MARKER_TABLE)) {
          if (rs.next() && rs.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
  }

  /** Warns unless each streamed pgbench table has the source's content; then drops the subscription and its slot. */
  void checkAndDrop() {
    for (String t : SourceData.PGBENCH_TABLES) {
      Checks.warnUnless(source.contentFingerprint("postgres", t).equals(destination.contentFingerprint(DATABASE, t)),
          "the native subscription's " + t + " differs from the source's");
    }
    // dropping it also drops its slot on the source, which must not hold back WAL afterwards
    destination.executeIn(DATABASE, "DROP SUBSCRIPTION " + SUBSCRIPTION);
  }
}
