package io.etl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etl.core.testing.NestedMaven;
import io.etl.core.testing.ShellCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bench/run.sh} as bench/README.md shows it, with tiny sizes, so the benchmark stays
 * runnable: every case measured, every check passed. Nothing about the figures is asserted.
 * The script's own build finds this build's jars up to date and rewrites none of them.
 */
class BenchRunIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void soakShKillsAndRestartsTheReplicatorAndComparesEveryTable() throws Exception {
    assertTrue(Files.readString(ROOT.resolve("bench/README.md")).contains("`bench/soak.sh [kills] [pgbench scale] [seed]`"),
        "bench/README.md documents the command this runs");
    assumeTrue(onPath("pgbench"), "skipped: bench/soak.sh needs pgbench on the PATH (Debian: apt-get install postgresql-client)");
    try (ShellCommand soak = ShellCommand.start("bench/soak.sh 3 1 42", ROOT, NestedMaven.environment(),
        Path.of("target", "soak-run.log").toAbsolutePath())) {
      int code = soak.waitFor(Duration.ofMinutes(10));
      String output = soak.output();
      assertEquals(0, code, output);
      assertTrue(output.contains("soak: every table equal after 3 SIGKILLs"), output);
      assertEquals(5, output.lines().filter(l -> l.endsWith(" EQUAL")).count(), output);
    }
  }

  private static boolean onPath(String command) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  @Test
  void operatorBenchShRunsTheOperatorAgainstTheTestApiServerAndPrintsItsFigures() throws Exception {
    assertTrue(Files.readString(ROOT.resolve("bench/README.md"))
        .contains("`bench/operator-bench.sh [pipelines] [minutes] [observe interval s]`"),
        "bench/README.md documents the command this runs");
    try (ShellCommand bench = ShellCommand.start("bench/operator-bench.sh 3 1 2", ROOT, NestedMaven.environment(),
        Path.of("target", "operator-bench-run.log").toAbsolutePath())) {
      int code = bench.waitFor(Duration.ofMinutes(10));
      String output = bench.output();
      assertEquals(0, code, output);
      assertFalse(output.contains("bench: WARNING"), output);
      assertTrue(output.contains("3/3 have status"), output);
      assertTrue(output.contains("operator after 1 min: RSS"), output);
    }
  }

  @Test
  void runShMeasuresEveryCaseAndPassesItsChecks() throws Exception {
    assertTrue(Files.readString(ROOT.resolve("bench/README.md")).contains("`bench/run.sh [rows] [transactions]`"),
        "bench/README.md documents the command this runs");
    try (ShellCommand bench = ShellCommand.start("bench/run.sh 2000 200", ROOT, NestedMaven.environment(),
        Path.of("target", "bench-run.log").toAbsolutePath())) {
      int code = bench.waitFor(Duration.ofMinutes(10));
      String output = bench.output();
      assertEquals(0, code, output);
      assertFalse(output.contains("bench: WARNING"), output);
      List<String> rows = output.lines().filter(l -> l.startsWith("| copy ") || l.startsWith("| stream ")).toList();
      assertEquals(8, rows.size(), "four copy and four streaming cases:\n" + output);
      for (String row : rows) {
        String perSecond = row.split("\\|")[3].strip().replace(",", "");
        assertTrue(Long.parseLong(perSecond) > 0, row);
      }
    }
  }
}
