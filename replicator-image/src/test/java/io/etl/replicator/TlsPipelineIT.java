package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator between two servers with TLS on (certificates for localhost from two CAs the test
 * made; both servers refuse plaintext): with each CA given and sslMode left to its default
 * (verify-full), it copies and streams; a wrong CA or a host name the certificate does not hold
 * ends the process with exit code 3 and one line naming the problem and the fix.
 */
class TlsPipelineIT {
  private static final String PASSWORD_ENV = "ETL_TEST_PASSWORD";
  private static final Map<String, String> ENV = Map.of(PASSWORD_ENV, PostgresServer.PASSWORD);
  private static final String TABLE = "public.items";

  private static TestCertificates.ServerFiles sourceTls;
  private static TestCertificates.ServerFiles destinationTls;
  private static Path unrelatedCa;
  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    Path certificates = Files.createTempDirectory("etl-tls-");
    sourceTls = TestCertificates.authority("source-ca").issueServer(Files.createDirectory(certificates.resolve("source")), "localhost");
    destinationTls = TestCertificates.authority("destination-ca")
        .issueServer(Files.createDirectory(certificates.resolve("destination")), "localhost");
    unrelatedCa = TestCertificates.authority("unrelated-ca").writeCertificate(certificates);
    source = PostgresServer.startWithTls(sourceTls);
    destination = PostgresServer.startWithTls(destinationTls);
    source.executeIn("postgres",
        "CREATE TABLE items (id int PRIMARY KEY, note text)",
        "INSERT INTO items SELECT g, 'copied ' || g FROM generate_series(1, 2000) g",
        "CREATE PUBLICATION pub FOR TABLE items");
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  private Path config(String id, String sourceHost, Path sourceCa, Path destinationCa) throws IOException {
    return Files.writeString(dir.resolve(id + ".yaml"), """
        pipeline:
          id: %s
          publication: pub
        source:
          host: %s
          port: %d
          database: postgres
          user: postgres
          password: {env: %s}
          sslRootCert: %s
        destination:
          type: postgres
          postgres:
            host: localhost
            port: %d
            database: postgres
            user: postgres
            password: {env: %s}
            sslRootCert: %s
        retry:
          initialBackoffMs: 50
          maxBackoffMs: 200
        http:
          port: 0
          bindAddress: 127.0.0.1
        """.formatted(id, sourceHost, source.port(), PASSWORD_ENV, sourceCa, destination.port(), PASSWORD_ENV,
        destinationCa));
  }

  /** Exit code and stderr of a run that is expected to end by itself. */
  private record Outcome(int code, String err) {}

  private static Outcome runToEnd(Path config) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {config.toString()}, ENV, new ByteArrayOutputStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), (r, b) -> {});
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void copiesAndStreamsWithVerifyFullIntoATlsDestination() throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(
        config("tls_e2e", "localhost", sourceTls.caCertificate(), destinationTls.caCertificate()), ENV)) {
      await(replicator::ready, "the copy done and streaming");
      source.executeIn("postgres",
          "INSERT INTO items SELECT g, 'streamed ' || g FROM generate_series(2001, 2500) g",
          "UPDATE items SET note = note || ' changed' WHERE id % 7 = 0",
          "DELETE FROM items WHERE id % 11 = 0");
      String expected = source.contentFingerprint("postgres", TABLE);
      await(() -> expected.equals(destination.contentFingerprint("postgres", TABLE)), "the destination equals the source");

      // the replicator's sessions on both servers, replication included, are TLS with a verified peer
      for (PostgresServer server : new PostgresServer[] {source, destination}) {
        assertEquals("0", server.queryOne("postgres", "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s"
            + " USING (pid) WHERE a.application_name LIKE 'etl-%' AND NOT s.ssl"));
      }
      assertTrue(Integer.parseInt(source.queryOne("postgres", "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s"
          + " USING (pid) WHERE a.backend_type = 'walsender' AND s.ssl")) >= 1);
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  @Test
  void aSourceCaThatDidNotSignItsCertificateStopsWithOneLine() throws IOException {
    assertEquals(new Outcome(3, "etl: The source PostgreSQL server at localhost:" + source.port() + " presented a TLS"
        + " certificate that is not signed by the CA certificate given for it (sslMode verify-full). Fix: Give the"
        + " replicator the CA certificate (PEM) that signed the server's certificate: source.sslRootCert in the pipeline"
        + " YAML, spec.source.caSecretRef of a Pipeline.\n"),
        runToEnd(config("tls_wrong_ca", "localhost", unrelatedCa, destinationTls.caCertificate())));
  }

  @Test
  void aSourceHostNameTheCertificateDoesNotHoldStopsWithOneLine() throws IOException {
    assertEquals(new Outcome(3, "etl: The source PostgreSQL server at 127.0.0.1:" + source.port() + " presented a TLS"
        + " certificate that is not issued for host name '127.0.0.1' (sslMode verify-full checks the name). Fix: Set"
        + " source.host to a name the server's certificate holds (a subject alternative name), or have the certificate"
        + " reissued to include '127.0.0.1'.\n"),
        runToEnd(config("tls_wrong_host", "127.0.0.1", sourceTls.caCertificate(), destinationTls.caCertificate())));
  }

  @Test
  void aDestinationCaThatDidNotSignItsCertificateStopsWithOneLine() throws IOException {
    assertEquals(new Outcome(3, "etl: The destination PostgreSQL server at localhost:" + destination.port() + " presented"
        + " a TLS certificate that is not signed by the CA certificate given for it (sslMode verify-full). Fix: Give the"
        + " replicator the CA certificate (PEM) that signed the server's certificate: destination.postgres.sslRootCert in"
        + " the pipeline YAML, spec.postgres.caSecretRef of a Destination.\n"),
        runToEnd(config("tls_wrong_dest_ca", "localhost", sourceTls.caCertificate(), sourceTls.caCertificate())));
  }
}
