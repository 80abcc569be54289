package io.etl.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.error.EtlException;
import io.etl.core.testing.PostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.postgresql.jdbc.PgConnection;

class PostgresConnectorIT {
  private static final String WRONG_PASSWORD = "not-the-Secret-42";

  private static PostgresServer server;

  @BeforeAll
  static void start() throws Exception {
    server = PostgresServer.start();
    requirePasswordsOverTcp();
    server.execute("CREATE ROLE nohba LOGIN PASSWORD 'whatever'");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * The embedded server trusts every local connection; make TCP log-ins check the password, and
   * reject role nohba outright, the way a production pg_hba.conf would.
   */
  private static void requirePasswordsOverTcp() throws Exception {
    Path hba = Path.of(server.queryOne("postgres", "SHOW hba_file"));
    Files.writeString(hba, String.join("\n",
        "local all all trust",
        "host all nohba 127.0.0.1/32 reject",
        "host all nohba ::1/128 reject",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
        "host replication all 127.0.0.1/32 scram-sha-256",
        "host replication all ::1/128 scram-sha-256",
        ""));
    server.execute("SELECT pg_reload_conf()");
    // The postmaster reloads asynchronously: wait until a wrong password is really refused.
    for (int attempt = 0; attempt < 100; attempt++) {
      try (Connection c = connector("postgres", WRONG_PASSWORD).open()) {
        Thread.sleep(100);
      } catch (EtlException expected) {
        return;
      }
    }
    throw new IllegalStateException("pg_hba.conf reload did not take effect");
  }

  private static PostgresConnector connector(String database, String password) {
    return new PostgresConnector(config(database, "postgres", server.port()), password, "etl-test");
  }

  private static PostgresConnectionConfig config(String database, String user, int port) {
    return new PostgresConnectionConfig("localhost", port, database, user, null, "disable");
  }

  @Test
  void openGivesAnAutocommitConnectionCarryingTheApplicationName() throws SQLException {
    try (Connection c = connector("postgres", PostgresServer.PASSWORD).open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW application_name")) {
      assertTrue(c.getAutoCommit());
      rs.next();
      assertEquals("etl-test", rs.getString(1));
    }
  }

  @Test
  void wrongPasswordIsFatalAuthFailureNamingTheUserButNotThePassword() {
    EtlException e = assertThrows(EtlException.class, () -> connector("postgres", WRONG_PASSWORD).open());
    assertFalse(e.isRetryable());
    assertEquals("source_auth_failed", e.category());
    assertTrue(e.getMessage().contains("'postgres'"), e.getMessage());
    assertTrue(e.getMessage().contains("localhost:" + server.port()), e.getMessage());
    assertTrue(e.solution().contains("password"), e.solution());
    assertNoPasswordAnywhere(e, WRONG_PASSWORD);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void wrongPasswordOnReplicationConnectionIsAlsoAuthFailure() {
    EtlException e =
        assertThrows(EtlException.class, () -> connector("postgres", WRONG_PASSWORD).openReplication());
    assertEquals("source_auth_failed", e.category());
    assertNoPasswordAnywhere(e, WRONG_PASSWORD);
  }

  @Test
  void pgHbaRejectionIsFatalAuthFailureThatPointsAtPgHba() {
    PostgresConnector connector = new PostgresConnector(config("postgres", "nohba", server.port()), "whatever", "etl-test");
    EtlException e = assertThrows(EtlException.class, connector::open);
    assertFalse(e.isRetryable());
    assertEquals("source_auth_failed", e.category());
    assertTrue(e.reason().contains("nohba"), e.reason());
    assertTrue(e.solution().contains("pg_hba.conf"), e.solution());
    assertNoPasswordAnywhere(e, "whatever");
  }

  @Test
  void closedPortIsRetryableUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PostgresConnector connector = new PostgresConnector(config("postgres", "postgres", closedPort), "pw", "etl-test");
    EtlException e = assertThrows(EtlException.class, connector::open);
    assertTrue(e.isRetryable());
    assertEquals("source_unreachable", e.category());
    assertTrue(e.reason().contains("localhost:" + closedPort), e.reason());
    assertTrue(e.reason().contains("connection refused"), e.reason());
    assertTrue(e.solution().contains("source.host"), e.solution());
  }

  @Test
  void missingDatabaseIsFatalAndNamesTheDatabase() {
    EtlException e =
        assertThrows(EtlException.class, () -> connector("no_such_db", PostgresServer.PASSWORD).open());
    assertFalse(e.isRetryable());
    assertEquals("source_database_missing", e.category());
    assertTrue(e.getMessage().contains("'no_such_db'"), e.getMessage());
  }

  @Test
  void databaseNameWithSpacesAndQuotesConnects() throws SQLException {
    server.execute("CREATE DATABASE \"Shop's Data\"");
    try (Connection c = connector("Shop's Data", PostgresServer.PASSWORD).open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      assertEquals("Shop's Data", rs.getString(1));
    }
  }

  @Test
  void hostCannotSmuggleDriverParametersIntoTheConnection() {
    // Concatenated into a URL this was jdbc:postgresql://localhost/postgres?ApplicationName=smuggled&PGPORT=<port>&x=:<port>/postgres,
    // a working connection with settings nobody configured (sslmode=disable or socketFactory get in the same way).
    String host = "localhost/postgres?ApplicationName=smuggled&PGPORT=" + server.port() + "&x=";
    PostgresConnector connector = new PostgresConnector(
        new PostgresConnectionConfig(host, server.port(), "postgres", "postgres", null, "disable"), PostgresServer.PASSWORD,
        "etl-test");
    for (Executable open : List.<Executable>of(connector::open, connector::openReplication)) {
      EtlException e = assertThrows(EtlException.class, open);
      assertFalse(e.isRetryable(), e.getMessage());
      assertEquals("source_host_invalid", e.category());
      assertEquals("source.host must be a DNS name or an IP address (the port goes in source.port; no path or options),"
          + " got '" + host + "'.", e.reason());
    }
    assertEquals("0", server.queryOne("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'smuggled'"));
  }

  @Test
  void databaseNameTravelsLiterallyNotAsUrlParameters() {
    EtlException e = assertThrows(EtlException.class,
        () -> connector("postgres?ApplicationName=smuggled", PostgresServer.PASSWORD).open());
    assertEquals("source_database_missing", e.category());
    assertTrue(e.reason().contains("'postgres?ApplicationName=smuggled'"), e.reason());
  }

  @Test
  void ipAddressConnects() throws SQLException {
    PostgresConnector connector = new PostgresConnector(
        new PostgresConnectionConfig("127.0.0.1", server.port(), "postgres", "postgres", null, "disable"),
        PostgresServer.PASSWORD, "etl-test");
    try (Connection c = connector.open(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT inet_server_addr()::text")) {
      rs.next();
      assertEquals("127.0.0.1/32", rs.getString(1));
    }
  }

  @Test
  void replicationConnectionAnswersIdentifySystem() throws SQLException {
    try (PgConnection c = connector("postgres", PostgresServer.PASSWORD).openReplication();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      assertTrue(rs.next());
      assertEquals(server.queryOne("postgres", "SELECT system_identifier::text FROM pg_control_system()"),
          rs.getString("systemid"));
      assertEquals("postgres", rs.getString("dbname"));
    }
  }

  @Test
  void sessionTerminatedByAnAdministratorIsRetryable() throws SQLException {
    PostgresConnector connector = connector("postgres", PostgresServer.PASSWORD);
    try (Connection c = connector.open()) {
      int pid = c.unwrap(PgConnection.class).getBackendPID();
      server.execute("SELECT pg_terminate_backend(" + pid + ")");
      SQLException failure = assertThrows(SQLException.class, () -> {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
      });
      EtlException e = connector.errors().classify(failure);
      assertTrue(e.isRetryable(), e.getMessage());
      assertTrue(e.category().startsWith("source_"), e.category());
      // Classifying from the broken connection itself still names the server.
      EtlException fromConnection = PostgresErrors.forConnection("source", c).classify(failure);
      assertTrue(fromConnection.isRetryable(), fromConnection.getMessage());
      assertTrue(fromConnection.reason().contains("localhost:" + server.port()), fromConnection.reason());
    }
  }

  /** Neither the message nor anything in the cause chain may carry the password. */
  private static void assertNoPasswordAnywhere(EtlException e, String password) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage()) + " " + t;
      assertFalse(text.contains(password), "password leaked in: " + text);
    }
  }
}
