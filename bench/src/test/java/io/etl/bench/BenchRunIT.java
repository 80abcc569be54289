package io.etl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etl.core.testing.NestedMaven;
import io.etl.core.testing.ShellCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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

  /** Every row {@code bench/run.sh} prints, by phase and name. */
  private static final List<String> ROWS = List.of(
      "copy:COPY TO STDOUT → discard (read limit)",
      "copy:COPY → COPY (transfer limit)",
      "copy:etl → discard",
      "copy:etl → memory",
      "copy:etl → PostgreSQL",
      "stream:pg_recvlogical → /dev/null (decode limit)",
      "stream:bare pgjdbc read of the slot, no decoding",
      "stream:native subscription apply (apply limit)",
      "stream:etl → discard",
      "stream:etl → memory",
      "stream:etl → PostgreSQL",
      "stream:Debezium embedded 3.6.1 → counting consumer");
  private static final int LATENCY_PROBES = 400;

  @Test
  void runShMeasuresEveryCaseAndPassesItsChecks() throws Exception {
    assertTrue(Files.readString(ROOT.resolve("bench/README.md"))
        .contains("`bench/run.sh [rows] [transactions] [latency rate] [latency probes]`"),
        "bench/README.md documents the command this runs");
    assertTrue(Files.readString(ROOT.resolve("bench/README.md")).contains("`BENCH_PROFILE=/some/dir bench/run.sh …`"),
        "bench/README.md documents the profiling variant this runs too");
    Path profiles = ROOT.resolve("bench/target/bench-profiles");
    deleteRecursively(profiles);
    try (ShellCommand bench = ShellCommand.start(
        "BENCH_PROFILE=" + profiles + " bench/run.sh 2000 200 2000 " + LATENCY_PROBES, ROOT,
        NestedMaven.environment(), Path.of("target", "bench-run.log").toAbsolutePath())) {
      int code = bench.waitFor(Duration.ofMinutes(10));
      String output = bench.output();
      assertEquals(0, code, output);
      assertFalse(output.contains("bench: WARNING"), output);
      List<String[]> rows = output.lines().filter(l -> l.startsWith("| copy ") || l.startsWith("| stream "))
          .map(l -> l.split("\\|")).toList();
      boolean recvlogical = onPath("pg_recvlogical");
      for (String expected : ROWS) {
        String phase = expected.substring(0, expected.indexOf(':'));
        String what = expected.substring(expected.indexOf(':') + 1);
        List<String[]> found = rows.stream().filter(r -> r[1].strip().equals(phase) && r[2].strip().equals(what)).toList();
        assertEquals(1, found.size(), "one row " + expected + ":\n" + output);
        String perSecond = found.get(0)[3].strip();
        if (!recvlogical && what.startsWith("pg_recvlogical")) {
          assertEquals("skipped", perSecond, output);
          assertTrue(output.contains("skipped: pg_recvlogical not on PATH"), output);
          continue;
        }
        assertTrue(Long.parseLong(perSecond.replace(",", "")) > 0, expected + ":\n" + output);
      }
      assertEquals(ROWS.size(), rows.size(), "no other rows:\n" + output);

      List<String[]> latency = output.lines()
          .filter(l -> l.startsWith("| latency ") && !l.contains("| what ")).map(l -> l.split("\\|")).toList();
      assertEquals(1, latency.size(), output);
      String[] cells = latency.get(0);
      assertEquals(LATENCY_PROBES, Integer.parseInt(cells[5].strip().replace(",", "")), output);
      assertTrue(Double.parseDouble(cells[4].strip().replace(",", "")) > 0, "achieved rate:\n" + output);
      double p50 = Double.parseDouble(cells[6].strip());
      double p99 = Double.parseDouble(cells[7].strip());
      double max = Double.parseDouble(cells[8].strip());
      assertTrue(0 <= p50 && p50 <= p99 && p99 <= max, "p50 <= p99 <= max:\n" + output);

      // BENCH_PROFILE: every child JVM left a JFR recording named after its case
      for (String measuredCase : List.of(MeasuredCase.COPY_DISCARD, MeasuredCase.STREAM_POSTGRES, MeasuredCase.DEBEZIUM)) {
        Path recording = profiles.resolve(measuredCase + ".jfr");
        assertTrue(Files.isRegularFile(recording) && Files.size(recording) > 0, recording + " written:\n" + output);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
