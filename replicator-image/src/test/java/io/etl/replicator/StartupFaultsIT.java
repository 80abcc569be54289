package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.core.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up against a source that is wrong in one way each: the fatal ones end the process with
 * exit code 3 and one line naming the problem and the fix; the transient one is retried with
 * backoff and shows in /readyz (its category) and /status (its reason) while it lasts.
 */
class StartupFaultsIT {
  private static final String PASSWORD_ENV = "ETL_TEST_PASSWORD";
  private static PostgresServer logical;
  private static PostgresServer replica;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    logical = PostgresServer.start();
    logical.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    replica = PostgresServer.start("replica");
    replica.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
  }

  @AfterAll
  static void stop() {
    logical.close();
    replica.close();
  }

  private Path config(int port, String publication) throws IOException {
    return Files.writeString(dir.resolve("pipeline.yaml"), """
        pipeline:
          id: faults
          publication: %s
        source:
          host: localhost
          port: %d
          database: postgres
          user: postgres
          password: {env: %s}
          sslMode: disable
        destination:
          type: memory
        retry:
          initialBackoffMs: 50
          maxBackoffMs: 200
        http:
          port: 0
          bindAddress: 127.0.0.1
          admin:
            port: 0
        """.formatted(publication, port, PASSWORD_ENV));
  }

  record Outcome(int code, String err) {}

  private static Outcome runToEnd(Path config, String password) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {config.toString()}, Map.of(PASSWORD_ENV, password), new ByteArrayOutputStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), (r, b) -> {});
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void wrongPassword() throws IOException {
    String wrong = "wrong-Pa55-x81";
    Outcome outcome = runToEnd(config(logical.port(), "pub"), wrong);
    assertEquals(new Outcome(3, "etl: The source PostgreSQL server at localhost:" + logical.port()
        + " rejected the password for user 'postgres' (database 'postgres'). Fix: Check that the source password"
        + " secret holds the current password of user 'postgres' and that pg_hba.conf on the source server allows"
        + " this user from the replicator's address.\n"), outcome);
    assertFalse(outcome.err().contains(wrong));
  }

  @Test
  void missingPublication() throws IOException {
    assertEquals(new Outcome(3, "etl: Publication no_such_pub does not exist in source database postgres. Fix: Create it with"
        + " CREATE PUBLICATION no_such_pub FOR TABLE <tables to replicate>; or set pipeline.publication to an existing"
        + " publication.\n"), runToEnd(config(logical.port(), "no_such_pub"), PostgresServer.PASSWORD));
  }

  @Test
  void walLevelReplica() throws IOException {
    assertEquals(new Outcome(3, "etl: The source server has wal_level = replica, but logical replication needs wal_level ="
        + " logical. Fix: Run ALTER SYSTEM SET wal_level = logical; on the source and restart the server (on managed"
        + " services set the provider's parameter, e.g. rds.logical_replication = 1).\n"),
        runToEnd(config(replica.port(), "pub"), PostgresServer.PASSWORD));
  }

  @Test
  void unreachableHostIsRetriedWithBackoffAndShownInReadyzAndStatus() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    JsonNode status;
    HttpResponse<String> readyz;
    try (InProcessReplicator replicator = InProcessReplicator.start(config(closedPort, "pub"),
        Map.of(PASSWORD_ENV, PostgresServer.PASSWORD))) {
      await(() -> replicator.serving() && retries(replicator) >= 3, "three retries");
      readyz = replicator.get("/readyz");
      status = new ObjectMapper().readTree(replicator.statusJson());
      assertEquals(0, replicator.stop(), replicator.err());
    }
    assertEquals(503, readyz.statusCode());
    // the public /readyz gives the category; the reason, which names the host, only /status on the admin port
    assertTrue(readyz.body().matches("not ready: retrying \\(\\d+ retries so far\\): source_unreachable"
        + " \\(reason and fix: /status on the admin port\\)\n"), readyz.body());
    String unreachable = "Cannot reach the source PostgreSQL server at localhost:" + closedPort + " (connection refused).";
    assertEquals("retrying", status.path("phase").asText().toLowerCase(java.util.Locale.ROOT), status.toString());
    assertTrue(status.path("retries").asLong() >= 3, status.toString());
    JsonNode error = status.path("lastError");
    assertEquals("retryable", error.path("kind").asText(), error.toString());
    assertEquals("source_unreachable", error.path("category").asText(), error.toString());
    assertEquals(unreachable, error.path("reason").asText(), error.toString());
    assertTrue(error.path("solution").asText().contains("Check source.host and source.port"), error.toString());
  }

  private static long retries(InProcessReplicator replicator) {
    try {
      return new ObjectMapper().readTree(replicator.statusJson()).path("retries").asLong();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
