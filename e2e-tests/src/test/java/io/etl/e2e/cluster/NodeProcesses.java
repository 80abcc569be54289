package io.etl.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node's daemons, each with its log in {@code logs/<name>.log} and its pid in
 * {@code pids/<name>.pid}: the pid files let a later run stop what a killed run left
 * ({@link NodeCleanup}), since the daemons outlive a JVM that dies without running its hooks.
 */
final class NodeProcesses {
  private final Path logs;
  private final Path pids;
  private final Map<String, Process> running = new LinkedHashMap<>();

  NodeProcesses(Path logs, Path pids) {
    this.logs = logs;
    this.pids = pids;
  }

  Process start(String name, List<String> command) {
    try {
      Files.createDirectories(logs);
      Files.createDirectories(pids);
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      Files.writeString(pids.resolve(name + ".pid"), process.pid() + "\n");
      synchronized (running) {
        running.put(name, process);
      }
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + command, e);
    }
  }

  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  /** The last {@code lines} lines of the daemon's log. */
  String tail(String name, int lines) {
    try {
      List<String> all = Files.exists(log(name)) ? Files.readAllLines(log(name), StandardCharsets.UTF_8) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Fails with the end of its log if the daemon has exited. */
  void requireRunning(String name) {
    Process process;
    synchronized (running) {
      process = running.get(name);
    }
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(name + " is not running" + (process == null ? "" : " (exit " + process.exitValue()
          + ")") + "; the end of " + log(name) + ":\n" + tail(name, 40));
    }
  }

  List<String> names() {
    synchronized (running) {
      return new ArrayList<>(running.keySet());
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; waits until it is gone. */
  void stop(String name, Duration grace) {
    Process process;
    synchronized (running) {
      process = running.remove(name);
    }
    if (process == null) {
      return;
    }
    try {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(pids.resolve(name + ".pid"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
