package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.core.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole process in-process: real PostgreSQL, HTTP endpoints, graceful stop, exit code 0. */
class StartAndStopIT {
  // distinctive, so finding it anywhere in the output can only mean it leaked
  private static final String SECRET = "Zq9-never-in-a-log-7f3c2a";
  private static final String PASSWORD_ENV = "ETL_TEST_PASSWORD";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static PostgresServer postgres;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
    postgres.execute("CREATE ROLE etl_replicator LOGIN REPLICATION SUPERUSER PASSWORD '" + SECRET + "'");
    postgres.execute("CREATE DATABASE shop");
    postgres.execute("CREATE DATABASE warehouse");
    postgres.executeIn(
        "shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "INSERT INTO orders VALUES (1, 'first'), (2, 'second')",
        "CREATE PUBLICATION orders_pub FOR TABLE orders");
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  private String config(String id, String destination, String log) {
    return """
        pipeline:
          id: %s
          publication: orders_pub
        source:
          host: localhost
          port: %d
          database: shop
          user: etl_replicator
          password:
            env: %s
          sslMode: disable
        destination:
        %s
        http:
          port: 0
          bindAddress: 127.0.0.1
          admin:
            port: 0
        log:
        %s
        """
        .formatted(id, postgres.port(), PASSWORD_ENV, destination.indent(2).stripTrailing(), log.indent(2).stripTrailing());
  }

  /** What a run printed: its exit code, its log output and its stderr. */
  record Run(int code, String logs, String err, String readyz, String status, String metrics) {}

  /** Starts Main in a thread, waits until /readyz says ready, reads the endpoints, stops it. */
  private Run startReadAndStop(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Replicator> started = new CompletableFuture<>();
    AtomicInteger code = new AtomicInteger(-1);
    Thread main =
        new Thread(
            () ->
                code.set(
                    Main.run(
                        new String[] {file.toString()},
                        Map.of(PASSWORD_ENV, SECRET),
                        logs,
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        (replicator, bound) -> started.complete(replicator))),
            "replicator-main");
    main.start();
    String readyz = null;
    String status = null;
    String metrics = null;
    try {
      Replicator replicator = started.get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (main.isAlive()) {
        int port = replicator.httpPort();
        if (port > 0) {
          HttpResponse<String> ready = get(port, "/readyz");
          if (ready.statusCode() == 200) {
            readyz = ready.body();
            status = get(replicator.adminPort(), "/status").body();
            metrics = get(port, "/metrics").body();
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          fail("not ready within 60 s; /status: " + (port > 0 ? get(replicator.adminPort(), "/status").body() : "not served"));
        }
        Thread.sleep(50);
      }
      replicator.stop();
    } finally {
      main.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertFalse(main.isAlive(), "run() returned after stop()");
    return new Run(code.get(), logs.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), readyz, status, metrics);
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void memoryPipelineServesEndpointsLogsJsonAndStopsWithExit0() throws Exception {
    Run run = startReadAndStop(config("start_stop_memory", "type: memory", "level: info\nformat: json"));

    assertEquals(0, run.code(), run.err());
    assertEquals("", run.err());
    assertEquals("ready\n", run.readyz());
    JsonNode status = new ObjectMapper().readTree(run.status());
    assertEquals("start_stop_memory", status.get("pipelineId").asText());
    assertTrue(status.get("ready").asBoolean(), run.status());
    assertTrue(run.metrics().contains("etl_events_applied_total"), "pipeline meters are exported");

    ObjectMapper json = new ObjectMapper();
    boolean sawStart = false;
    for (String line : run.logs().lines().toList()) {
      JsonNode event = json.readTree(line); // every log line is one JSON object
      sawStart |= event.path("formattedMessage").asText().startsWith("starting pipeline start_stop_memory");
    }
    assertTrue(sawStart, run.logs());
  }

  @Test
  void startUpAtTraceLevelNeverLogsThePassword() throws Exception {
    String destination =
        """
        type: postgres
        postgres:
          host: localhost
          port: %d
          database: warehouse
          user: etl_replicator
          password:
            env: %s
          sslMode: disable
        """
            .formatted(postgres.port(), PASSWORD_ENV);
    Run run = startReadAndStop(config("start_stop_postgres", destination, "level: trace\nformat: text"));

    assertEquals(0, run.code(), run.err());
    assertTrue(run.logs().contains("starting pipeline start_stop_postgres"), run.logs());
    assertTrue(run.logs().contains("password from env:" + PASSWORD_ENV), run.logs());
    assertFalse(run.logs().contains(SECRET), "the password appears in the log");
    assertFalse(run.err().contains(SECRET), "the password appears on stderr");
    assertFalse(run.status().contains(SECRET), "the password appears in /status");
  }
}
