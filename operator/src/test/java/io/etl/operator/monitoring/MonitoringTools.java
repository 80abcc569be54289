package io.etl.operator.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tools the monitoring artifacts are tested with (argocd-lua-health, promtool), built from the
 * Go module proxy by scripts/provision-monitoring-tools.sh, which is run from here when its cache
 * is missing: a fresh machine needs nothing beforehand but Go. A failed build fails the test with
 * the builder's output; it is never turned into a skip.
 */
final class MonitoringTools {
  static final String PROVISION = "scripts/provision-monitoring-tools.sh";
  static final Path ROOT = repositoryRoot();
  private static final Path LOGS = ROOT.resolve("operator/target/monitoring-tools");

  private MonitoringTools() {}

  /** The binary of {@code tool}, built first if this checkout's cache lacks it. */
  static synchronized Path tool(String tool) {
    run(List.of(PROVISION, tool), Duration.ofMinutes(30));
    return Path.of(run(List.of(PROVISION, "--where", tool), Duration.ofSeconds(30)).output.strip());
  }

  /** Runs {@code command} in {@code dir} to its end: its exit code and what it printed (stdout and stderr). */
  static Result exec(Path dir, Duration timeout, String... command) {
    try {
      Files.createDirectories(LOGS);
      Path log = Files.createTempFile(LOGS, "run-", ".log");
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }

  private static Result run(List<String> command, Duration timeout) {
    Result r = exec(ROOT, timeout, command.toArray(String[]::new));
    if (r.exitCode != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.exitCode + "):\n" + r.output);
    }
    return r;
  }

  record Result(int exitCode, String output) {
    List<String> lines() {
      return new ArrayList<>(output.lines().toList());
    }
  }

  private static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(PROVISION))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + PROVISION + " in " + start + " or any directory above it");
  }
}
