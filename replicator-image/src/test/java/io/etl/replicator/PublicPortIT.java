package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What anyone who reaches the replicator's public port (9187) can do and learn: scrape, probe,
 * nothing more. A table retry there is refused and empties nothing (the README's retry, on the
 * loopback admin port, copies the table again); /readyz and /metrics name no host, user or
 * database of the source or the destination.
 */
class PublicPortIT {
  // distinctive, so finding one in a body can only mean it leaked
  private static final String SOURCE_USER = "src_reader_q7";
  private static final String SOURCE_DATABASE = "shop_q7";
  private static final String DESTINATION_USER = "wh_writer_q7";
  private static final String DESTINATION_DATABASE = "warehouse_q7";
  private static final String HOST = "localhost";
  private static final String PASSWORD_ENV = "ETL_TEST_PASSWORD";
  private static final String PASSWORD = "pw-q7-not-in-any-body";

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final DocumentedCommands README = DocumentedCommands.of(ROOT.resolve("README.md"));
  private static final DocumentedCommands DEPLOY_README = DocumentedCommands.of(ROOT.resolve("deploy/README.md"));

  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    source = PostgresServer.start();
    source.execute("CREATE ROLE " + SOURCE_USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
    source.execute("CREATE DATABASE " + SOURCE_DATABASE + " OWNER " + SOURCE_USER);
    source.executeIn(SOURCE_DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, v int)",
        "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
        "ALTER TABLE orders OWNER TO " + SOURCE_USER,
        "CREATE PUBLICATION pub FOR TABLE orders");
    destination = PostgresServer.start();
    destination.execute("CREATE ROLE " + DESTINATION_USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
    destination.execute("CREATE DATABASE " + DESTINATION_DATABASE + " OWNER " + DESTINATION_USER);
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  @Test
  void aRetryOnThePublicPortIsRefusedAndEmptiesNothing() throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(config("retry_q7", destination.port()), env())) {
      await(replicator::ready, "ready");
      await(() -> rows() == 100, "orders copied");
      String metrics = replicator.get("/metrics").body();
      assertTrue(metrics.contains("etl_rows_copied_total{table=\"public.orders\"}"), metrics);
      assertNamesNothing("/metrics", metrics, destination.port());
      assertNamesNothing("/metrics", metrics, source.port());
      assertEquals("ready\n", replicator.get("/readyz").body());

      // the destination refuses a row the source accepts: the table goes errored, as a user would then retry it
      destination.executeIn(DESTINATION_DATABASE, "ALTER TABLE public.orders ADD CONSTRAINT small CHECK (v < 1000)");
      source.executeIn(SOURCE_DATABASE, "INSERT INTO orders VALUES (1000, 5000)");
      await(() -> "errored".equals(state()), "orders errored");

      HttpResponse<String> refused = replicator.post("/tables/public.orders/retry");
      assertEquals(404, refused.statusCode(), "a retry on the public port: " + refused.body());
      // a retry resets the state before it answers: a refused one left it, and the rows, alone
      assertEquals("errored", state());
      assertEquals(100, rows(), "the refused retry emptied the destination table");

      // the way the README shows: the admin port, on loopback (this config leaves it at its default)
      destination.executeIn(DESTINATION_DATABASE, "ALTER TABLE public.orders DROP CONSTRAINT small");
      String retry = README.under("## Faults: retryable and fatal", "curl ");
      assertEquals("table public.orders will be copied again\n", run(retry));
      await(() -> "ready".equals(state()) && rows() == 101, "orders copied again");
      assertEquals(source.contentFingerprint(SOURCE_DATABASE, "public.orders"),
          destination.contentFingerprint(DESTINATION_DATABASE, "public.orders"));
      assertEquals("table public.orders is not errored; nothing to retry\n", run(retry));
      // deploy/README.md's /status through a port-forward, which lands on the pod's loopback as this does
      JsonNode status = new ObjectMapper().readTree(run(DEPLOY_README.under("## The replicator pod", "curl ")));
      assertEquals("retry_q7", status.path("pipelineId").asText(), status.toString());
      assertEquals("ready", status.path("tables").path(0).path("state").asText(), status.toString());
    }
  }

  /** Runs {@code command} with bash in the repository's root; its output, failing unless it exits 0. */
  private String run(String command) throws Exception {
    Path log = dir.resolve("command.log");
    int code = ShellCommand.run(command, ROOT, Map.of(), log, Duration.ofMinutes(1));
    String output = Files.readString(log);
    assertEquals(0, code, command + "\n" + output);
    return output;
  }

  @Test
  void readyzAndMetricsNameNoHostUserOrDatabase() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    // the destination cannot be reached: /readyz has an error to tell, whose reason names the host
    try (InProcessReplicator replicator = InProcessReplicator.start(config("readyz_q7", closedPort), env())) {
      await(() -> replicator.serving() && replicator.get("/readyz").body().contains("destination"), "the destination's error in /readyz");
      HttpResponse<String> readyz = replicator.get("/readyz");
      assertEquals(503, readyz.statusCode());
      assertTrue(readyz.body().matches("not ready: retrying \\(\\d+ retries so far\\): destination_unreachable"
          + " \\(reason and fix: /status on the admin port\\)\n"), readyz.body());
      assertNamesNothing("/readyz", readyz.body(), closedPort);
      assertNamesNothing("/metrics", replicator.get("/metrics").body(), closedPort);
    }
  }

  private static void assertNamesNothing(String endpoint, String body, int port) {
    for (String secret : List.of(HOST, SOURCE_USER, SOURCE_DATABASE, DESTINATION_USER, DESTINATION_DATABASE, PASSWORD,
        ":" + port)) {
      assertFalse(body.contains(secret), endpoint + " names '" + secret + "':\n" + body);
    }
  }

  private static long rows() {
    try {
      return Long.parseLong(destination.queryOne(DESTINATION_DATABASE, "SELECT count(*) FROM public.orders"));
    } catch (IllegalStateException notCreatedYet) {
      return -1;
    }
  }

  private static String state() {
    return source.queryOne(SOURCE_DATABASE, "SELECT phase FROM etl.table_states"
        + " WHERE pipeline_id = 'retry_q7' AND table_oid = 'public.orders'::regclass");
  }

  private static Map<String, String> env() {
    return Map.of(PASSWORD_ENV, PASSWORD);
  }

  private Path config(String id, int destinationPort) throws Exception {
    return Files.writeString(dir.resolve(id + ".yaml"), """
        pipeline:
          id: %s
          publication: pub
        source:
          host: %s
          port: %d
          database: %s
          user: %s
          password: {env: %s}
          sslMode: disable
        destination:
          type: postgres
          postgres:
            host: %s
            port: %d
            database: %s
            user: %s
            password: {env: %s}
            sslMode: disable
        retry:
          initialBackoffMs: 100
          maxBackoffMs: 500
        http:
          port: 0
          bindAddress: 127.0.0.1
        """.formatted(id, HOST, source.port(), SOURCE_DATABASE, SOURCE_USER, PASSWORD_ENV, HOST, destinationPort,
        DESTINATION_DATABASE, DESTINATION_USER, PASSWORD_ENV));
  }
}
