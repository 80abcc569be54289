package io.etl.core.testing;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PostgreSQL server for tests, started from the embedded binaries with
 * {@code wal_level=logical}. The superuser is {@code postgres} with password {@link #PASSWORD}.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String PASSWORD = "postgres";

  private final EmbeddedPostgres postgres;

  private PostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static PostgresServer start() {
    return start("logical");
  }

  public static PostgresServer start(String walLevel) {
    return start(walLevel, null);
  }

  /**
   * A server with TLS on, presenting {@code tls}'s certificate, that refuses every TCP connection
   * without TLS (pg_hba.conf has {@code hostssl} lines only), so a test that connects knows it
   * used TLS.
   */
  public static PostgresServer startWithTls(TestCertificates.ServerFiles tls) {
    return start("logical", tls);
  }

  /**
   * A server that also listens on {@code address} (besides localhost) and admits clients from
   * {@code clientSubnet} (CIDR) there with a password, replication included: for clients that are
   * not on this host's loopback, such as pods that reach the test's host through a bridge. With
   * {@code tls} it presents that certificate and refuses TCP connections without TLS, as
   * {@link #startWithTls} does; without, it takes plain connections.
   */
  public static PostgresServer startListeningOn(String address, String clientSubnet, TestCertificates.ServerFiles tls) {
    return start("logical", tls, new ExtraListener(address, clientSubnet));
  }

  /** Another address to listen on, and the clients admitted there. */
  private record ExtraListener(String address, String clientSubnet) {}

  private static PostgresServer start(String walLevel, TestCertificates.ServerFiles tls) {
    return start(walLevel, tls, null);
  }

  private static PostgresServer start(String walLevel, TestCertificates.ServerFiles tls, ExtraListener extra) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (extra != null) {
        builder.setServerConfig("listen_addresses", "localhost," + extra.address());
      }
      if (tls != null) {
        // the key file is ours, mode 0600; the server runs as this process's user, so it may read it
        builder.setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", tls.certificate().toAbsolutePath().toString())
            .setServerConfig("ssl_key_file", tls.privateKey().toAbsolutePath().toString());
      }
      EmbeddedPostgres pg =
          builder
              .setServerConfig("wal_level", walLevel)
              .setServerConfig("max_replication_slots", "40")
              .setServerConfig("max_wal_senders", "40")
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("password_encryption", "scram-sha-256")
              .setConnectConfig("connectTimeout", "10")
              .start();
      PostgresServer server = new PostgresServer(pg);
      server.execute("ALTER USER postgres PASSWORD '" + PASSWORD + "'");
      server.requirePasswordsOverTcp(tls == null ? "host" : "hostssl", extra == null ? null : extra.clientSubnet());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The embedded server trusts every connection; make TCP log-ins check passwords the way a
   * production pg_hba.conf does, so wrong-password paths are real.
   */
  private void requirePasswordsOverTcp(String hostType, String extraSubnet) {
    try {
      java.nio.file.Path hba = java.nio.file.Path.of(queryOne("postgres", "SHOW hba_file"));
      List<String> lines = new ArrayList<>(List.of(
          "local all all trust",
          hostType + " all all 127.0.0.1/32 scram-sha-256",
          hostType + " all all ::1/128 scram-sha-256",
          hostType + " replication all 127.0.0.1/32 scram-sha-256",
          hostType + " replication all ::1/128 scram-sha-256"));
      if (extraSubnet != null) {
        lines.add(hostType + " all all " + extraSubnet + " scram-sha-256");
        lines.add(hostType + " replication all " + extraSubnet + " scram-sha-256");
      }
      lines.add("");
      java.nio.file.Files.writeString(hba, String.join("\n", lines));
      execute("SELECT pg_reload_conf()");
      // the postmaster reloads asynchronously: wait until a wrong password is refused
      for (int attempt = 0; attempt < 200; attempt++) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "not-the-password")) {
          Thread.sleep(50);
        } catch (SQLException refused) {
          return;
        }
      }
      throw new IllegalStateException("pg_hba.conf reload did not take effect");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sets a server parameter with ALTER SYSTEM and reloads, returning once new sessions see it (the
   * postmaster reloads asynchronously). For parameters that need no restart; write {@code value}
   * the way SHOW prints it (e.g. {@code 64kB}).
   */
  public void setConfig(String name, String value) {
    execute("ALTER SYSTEM SET " + name + " = '" + value.replace("'", "''") + "'");
    execute("SELECT pg_reload_conf()");
    String seen = null;
    for (int attempt = 0; attempt < 200; attempt++) {
      seen = queryOne("postgres", "SELECT current_setting('" + name + "')");
      if (value.equals(seen)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(name + " = " + value + " did not take effect after a reload (new sessions see " + seen + ")");
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port() + "/" + database;
  }

  public Connection connect() throws SQLException {
    return connect("postgres");
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", PASSWORD);
  }

  /** Connection settings for this server with the password in environment variable {@code passwordEnv}. */
  public PostgresConnectionConfig connectionConfig(String database, String passwordEnv) {
    return new PostgresConnectionConfig(
        "localhost", port(), database, "postgres", new SecretRef(passwordEnv, null), "disable");
  }

  public void execute(String statement) {
    executeIn("postgres", statement);
  }

  public void executeIn(String database, String... statements) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public List<List<String>> query(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public String queryOne(String database, String sql) {
    List<List<String>> rows = query(database, sql);
    return rows.isEmpty() ? null : rows.get(0).get(0);
  }

  /**
   * Row count and an order-independent hash over each row's text form: equal on two servers
   * exactly when the tables hold the same multiset of rows (up to hash collisions).
   */
  public String contentFingerprint(String database, String quotedTable) {
    return queryOne(
        database,
        "SELECT count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)"
            + " || ':' || coalesce(sum(hashtextextended(t::text, 7)::numeric), 0) FROM "
            + quotedTable
            + " t");
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
