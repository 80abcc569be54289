package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import io.etl.core.testing.TestPipelineConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port with a token (as when it listens beyond loopback): /status and a table retry
 * answer only a request that carries the token; a retry without it, or with a wrong one, empties
 * nothing.
 */
class AdminPortIT {
  private static final DocumentedCommands IMAGE_README =
      DocumentedCommands.of(Path.of("").toAbsolutePath().resolve("README.md"));
  private static final String TOKEN = "3f1c0e9a7b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e";
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE orders (id int PRIMARY KEY, v int)",
        "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
        "CREATE PUBLICATION pub FOR TABLE orders");
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void withATokenTheAdminPortAnswersOnlyCallsThatCarryIt() throws Exception {
    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
    // the default admin port, 9188, which the README's command names
    Path config = withToken("admin", new SecretRef(null, token.toString()), false);
    try (InProcessReplicator replicator = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
      await(replicator::ready, "ready");
      destination.execute("ALTER TABLE orders ADD CONSTRAINT small CHECK (v < 1000)");
      source.execute("INSERT INTO orders VALUES (1000, 5000)");
      await(() -> "errored".equals(state()), "orders errored");

      HttpResponse<String> status = replicator.adminGet("/status", null);
      assertEquals(401, status.statusCode(), status.body());
      assertEquals("Bearer realm=\"etl-admin\"", status.headers().firstValue("WWW-Authenticate").orElse(""));
      assertFalse(status.body().contains("localhost"), status.body());
      for (String presented : new String[] {null, "wrong", TOKEN.substring(1), TOKEN + "0"}) {
        HttpResponse<String> refused = replicator.adminPost("/tables/public.orders/retry", presented);
        assertEquals(401, refused.statusCode(), "token " + presented + ": " + refused.body());
        assertFalse(refused.body().contains(TOKEN), refused.body());
      }
      // a retry resets the state before it answers: the refused ones left it, and the rows, alone
      assertEquals("errored", state());
      assertEquals("100", destination.queryOne("postgres", "SELECT count(*) FROM orders"));

      destination.execute("ALTER TABLE orders DROP CONSTRAINT small");
      // as replicator-image/README.md shows it, in the directory holding the file admin-token
      String command = IMAGE_README.under("## HTTP endpoints", "curl ");
      assertEquals("table public.orders will be copied again\n", run(command));
      await(() -> "ready".equals(state()), "orders copied again");
      await(() -> source.contentFingerprint("postgres", "orders").equals(destination.contentFingerprint("postgres", "orders")),
          "destination equals source");
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  @Test
  void aTokenFromAVariableOpensStatus() throws Exception {
    Path config = withToken("status", new SecretRef("ETL_ADMIN_TOKEN", null), true);
    Map<String, String> env = new HashMap<>(TestPipelineConfig.PASSWORDS);
    env.put("ETL_ADMIN_TOKEN", TOKEN);
    try (InProcessReplicator replicator = InProcessReplicator.start(config, env)) {
      await(replicator::ready, "ready");
      assertEquals(401, replicator.adminGet("/status", null).statusCode());
      HttpResponse<String> status = replicator.adminGet("/status", TOKEN);
      assertEquals(200, status.statusCode(), status.body());
      assertTrue(status.body().contains("\"pipelineId\":\"status\""), status.body());
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  /** The config with {@code http.admin.token: tokenRef}, on a free admin port or the default one. */
  /** A config whose admin port requires {@code token}, on a free port or on the default one. */
  private Path withToken(String id, SecretRef token, boolean freePort) {
    return TestPipelineConfig.postgresToPostgres(id, "pub", source, destination)
        .with(b -> b.http(new HttpConfig(0, "127.0.0.1", new AdminHttpConfig(freePort ? 0 : null, null, token))))
        .write(dir.resolve(id + ".yaml"));
  }

  /** Runs {@code command} with bash in the test's directory; its output, failing unless it exits 0. */
  private String run(String command) throws Exception {
    Path log = dir.resolve("command.log");
    int code = ShellCommand.run(command, dir, Map.of(), log, Duration.ofMinutes(1));
    String output = Files.readString(log);
    assertEquals(0, code, command + "\n" + output);
    return output;
  }

  private String state() {
    return source.queryOne("postgres", "SELECT phase FROM etl.table_states WHERE table_oid = 'public.orders'::regclass");
  }
}
