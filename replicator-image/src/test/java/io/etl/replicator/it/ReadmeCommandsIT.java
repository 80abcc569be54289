package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the commands of the root README that start the replicator and the demo, exactly as
 * written, with bash in the repository's root, on the {@code replicator-image/target/lib} this
 * build's {@code package} phase left (the README's build command is that phase). Nothing here
 * uses Maven's test classpath: a jar missing from target/lib fails these tests, as it once
 * failed every user who followed the README.
 */
class ReadmeCommandsIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final DocumentedCommands README = DocumentedCommands.of(ROOT.resolve("README.md"));
  private static final String BUILD = "./mvnw -B -q package -DskipTests";

  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    ItemsTable.create(source);
  }

  @AfterAll
  static void stopServers() {
    source.close();
    destination.close();
  }

  @Test
  void runCommandCopiesStreamsAndServesPrometheusMetrics() throws Exception {
    List<String> commands = README.under("## Running a pipeline");
    assertEquals(BUILD, commands.get(0), "the section's build command is the one this build's package phase ran");
    assertEquals(2, commands.size(), "build, then run: " + commands);
    Path config = Files.writeString(dir.resolve("pipeline.yaml"),
        TestPipelineConfig.postgresToPostgres("readme_run", ItemsTable.PUBLICATION, source, destination).yaml());
    String run = fillIn(commands.get(1), Map.of(
        "SOURCE_PASSWORD=…", "SOURCE_PASSWORD=" + PostgresServer.PASSWORD,
        "DESTINATION_PASSWORD=…", "DESTINATION_PASSWORD=" + PostgresServer.PASSWORD,
        "path/to/pipeline.yaml", config.toString()));

    try (ShellCommand replicator = ShellCommand.start(run, ROOT, Map.of(), log("readme-run"))) {
      LoggedEndpoints endpoints = LoggedEndpoints.of(replicator);
      endpoints.awaitReady();
      ItemsTable.assertCopiedThenStreams(source, destination);

      Map<String, Double> metrics = endpoints.metrics();
      assertEquals((double) ItemsTable.COPIED, metrics.get("etl_rows_copied_total{table=\"public.items\"}"), metrics.toString());
      assertTrue(metrics.get("etl_events_applied_total") >= ItemsTable.CHANGES, metrics.toString());
      assertTrue(metrics.getOrDefault("jvm_memory_used_bytes", 0.0) > 0, "JVM meters exported too");

      replicator.signal("TERM");
      assertEquals(0, replicator.waitFor(Duration.ofMinutes(1)), "SIGTERM stops it cleanly: " + replicator.output());
    }
  }

  @Test
  void demoCopiesStreamsAndComparesAfterCtrlC() throws Exception {
    String demo = demoCommand();
    try (ShellCommand running = ShellCommand.start(demo, ROOT, Map.of(), log("readme-demo-ctrl-c"))) {
      Await.until(() -> running.output().contains("phase=streaming") || !running.isAlive(),
          "the demo streams", Duration.ofMinutes(5));
      assertTrue(running.isAlive(), running.output());
      running.signal("INT");
      int code = running.waitFor(Duration.ofMinutes(3));
      assertComparedEqual(running.output());
      assertEquals(0, code, running.output());
    }
  }

  @Test
  void demoWithSecondsStopsByItselfAndCompares() throws Exception {
    assertTrue(Files.readString(README.file()).contains("(or pass `--seconds 30`)"), "the README documents --seconds");
    ShellCommand finished = ShellCommand.start(demoCommand() + " --seconds 4", ROOT, Map.of(), log("readme-demo-seconds"));
    try (finished) {
      int code = finished.waitFor(Duration.ofMinutes(5));
      assertComparedEqual(finished.output());
      assertEquals(0, code, finished.output());
    }
  }

  @Test
  void demoRefusesAnUnknownArgumentInOneLine() throws Exception {
    try (ShellCommand refused = ShellCommand.start(demoCommand() + " --secs 4", ROOT, Map.of(), log("readme-demo-bad"))) {
      assertEquals(2, refused.waitFor(Duration.ofMinutes(1)), refused.output());
      assertEquals("etl: unknown arguments '--secs 4'. Fix: run it without arguments (Ctrl-C stops it) or with"
          + " --seconds N, N a whole number of seconds above 0.", refused.output().strip());
    }
  }

  /** The demo part of the README's first command, whose build part is the one this build's package phase ran. */
  private static String demoCommand() {
    String first = README.all().get(0);
    String[] parts = first.split(" && ", 2);
    assertEquals(BUILD, parts[0], "the README's first command builds, then runs the demo: " + first);
    assertTrue(parts[1].endsWith("io.etl.replicator.demo.Demo"), first);
    return parts[1];
  }

  private static void assertComparedEqual(String output) {
    assertTrue(output.contains("etl demo: source vs destination"), output);
    for (String table : List.of("customers", "orders", "events")) {
      assertTrue(Pattern.compile("(?m)^\\s+" + table + "\\s+source .* EQUAL$").matcher(output).find(),
          table + " compared EQUAL:\n" + output);
    }
    assertFalse(output.contains("DIFFERENT"), output);
  }

  /** The command with each placeholder replaced; fails if the README no longer shows one of them. */
  private static String fillIn(String command, Map<String, String> values) {
    String filled = command;
    for (Map.Entry<String, String> value : values.entrySet()) {
      assertTrue(filled.contains(value.getKey()), "the README's command shows " + value.getKey() + ": " + command);
      filled = filled.replace(value.getKey(), value.getValue());
    }
    return filled;
  }

  private static Path log(String name) {
    return Path.of("target", "readme-commands", name + ".log").toAbsolutePath();
  }
}
