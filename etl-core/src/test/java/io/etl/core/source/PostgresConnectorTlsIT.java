package io.etl.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.error.EtlException;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgConnection;

/**
 * Connections to a server with TLS on and a certificate for {@code localhost} signed by a CA the
 * test made: verify-full works with that CA, and each way it can go wrong ends in one line naming
 * the problem and the fix, never in a retry loop or a plaintext fallback.
 */
class PostgresConnectorTlsIT {
  private static Path dir;
  private static TestCertificates.ServerFiles tls;
  private static Path unrelatedCa;
  private static PostgresServer server;
  private static PostgresServer plaintextOnly;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("etl-tls-");
    tls = TestCertificates.authority("etl-test-ca").issueServer(dir, "localhost");
    unrelatedCa = TestCertificates.authority("some-other-ca").writeCertificate(dir);
    server = PostgresServer.startWithTls(tls);
    plaintextOnly = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
    plaintextOnly.close();
  }

  private static PostgresConnector connector(String host, int port, String sslMode, Path ca) {
    return new PostgresConnector(new PostgresConnectionConfig(host, port, "postgres", "postgres", null, sslMode,
        ca == null ? null : ca.toString()), PostgresServer.PASSWORD, "etl-test");
  }

  private static boolean usesTls(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  @Test
  void verifyFullWithTheServersCaConnectsOverTlsForQueriesAndReplication() throws SQLException {
    PostgresConnector connector = connector("localhost", server.port(), "verify-full", tls.caCertificate());
    try (Connection c = connector.open()) {
      assertTrue(usesTls(c));
    }
    try (PgConnection c = connector.openReplication(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      assertTrue(rs.next());
    }
  }

  @Test
  void withACaAndNoSslModeTheCertificateIsChecked() {
    // the default with a CA is verify-full: the unrelated CA must fail, not pass as it would under require
    EtlException e = assertThrows(EtlException.class, () -> connector("localhost", server.port(), null, unrelatedCa).open());
    assertEquals("source_tls_untrusted_certificate", e.category());
  }

  @Test
  void withoutACaTheDefaultStillEncrypts() throws SQLException {
    try (Connection c = connector("localhost", server.port(), null, null).open()) {
      assertTrue(usesTls(c));
    }
  }

  @Test
  void aCaThatDidNotSignTheCertificateIsFatalInOneLine() {
    EtlException e = assertThrows(EtlException.class,
        () -> connector("localhost", server.port(), "verify-full", unrelatedCa).open());
    assertFalse(e.isRetryable());
    assertEquals("source_tls_untrusted_certificate", e.category());
    assertEquals("The source PostgreSQL server at localhost:" + server.port() + " presented a TLS certificate that is not"
        + " signed by the CA certificate given for it (sslMode verify-full).", e.reason());
    assertEquals("Give the replicator the CA certificate (PEM) that signed the server's certificate: source.sslRootCert"
        + " in the pipeline YAML, spec.source.caSecretRef of a Pipeline.", e.solution());
  }

  @Test
  void aHostNameTheCertificateDoesNotHoldIsFatalInOneLine() {
    for (String mode : new String[] {"verify-full", null}) {
      EtlException e = assertThrows(EtlException.class,
          () -> connector("127.0.0.1", server.port(), mode, tls.caCertificate()).open());
      assertFalse(e.isRetryable());
      assertEquals("source_tls_host_mismatch", e.category());
      assertEquals("The source PostgreSQL server at 127.0.0.1:" + server.port() + " presented a TLS certificate that is"
          + " not issued for host name '127.0.0.1' (sslMode verify-full checks the name).", e.reason());
      assertEquals("Set source.host to a name the server's certificate holds (a subject alternative name), or have the"
          + " certificate reissued to include '127.0.0.1'.", e.solution());
    }
    // verify-ca checks the CA only, so the address works there
    assertTrue(assertConnects(connector("127.0.0.1", server.port(), "verify-ca", tls.caCertificate())));
  }

  @Test
  void aMissingCaFileIsFatalAndNamesIt() {
    Path missing = dir.resolve("no-such-ca.crt");
    EtlException e = assertThrows(EtlException.class,
        () -> connector("localhost", server.port(), "verify-full", missing).open());
    assertFalse(e.isRetryable());
    assertEquals("source_tls_ca_unreadable", e.category());
    assertEquals("The CA certificate for the source PostgreSQL server at localhost:" + server.port() + " cannot be read"
        + " from " + missing + ".", e.reason());
  }

  @Test
  void aServerWithoutTlsIsFatalWhenTlsIsRequired() {
    EtlException e = assertThrows(EtlException.class, () -> connector("localhost", plaintextOnly.port(), null, null).open());
    assertFalse(e.isRetryable());
    assertEquals("source_tls_unavailable", e.category());
    assertEquals("The source PostgreSQL server at localhost:" + plaintextOnly.port() + " does not accept TLS connections,"
        + " and sslMode require needs them.", e.reason());
    assertEquals("Turn TLS on at the server (ssl = on, with a certificate); only where plaintext is acceptable, set"
        + " source.sslMode to disable.", e.solution());
  }

  private static boolean assertConnects(PostgresConnector connector) {
    try (Connection c = connector.open()) {
      return usesTls(c);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
