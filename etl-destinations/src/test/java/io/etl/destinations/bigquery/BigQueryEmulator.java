package io.etl.destinations.bigquery;

import io.etl.core.config.BigQueryEndpoints;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The BigQuery emulator the BigQuery tests run against when no real BigQuery is configured:
 * bqemulator from PyPI, provisioned by scripts/provision-bigquery-emulator.sh (run from here when
 * its cache is missing, so a fresh machine needs nothing beforehand but Python 3.11) and started
 * through etl-destinations/src/test/bigquery-emulator/etl_bigquery_emulator.py, which says what it
 * adds to bqemulator and what it leaves to the real service. One emulator per test JVM, on free
 * loopback ports, stopped when the JVM exits. A failed provisioning or start fails the test with
 * the installer's or the emulator's output: it is never turned into a skip.
 */
final class BigQueryEmulator {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final String PROVISION = "scripts/provision-bigquery-emulator.sh";
  private static BigQueryEmulator shared;

  final BigQueryEndpoints endpoints;
  private final Process process;

  private BigQueryEmulator(BigQueryEndpoints endpoints, Process process) {
    this.endpoints = endpoints;
    this.process = process;
  }

  static synchronized BigQueryEmulator shared() {
    if (shared == null || !shared.process.isAlive()) {
      shared = start();
      BigQueryEmulator started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "bigquery-emulator-stop"));
    }
    return shared;
  }

  private static BigQueryEmulator start() {
    Path repo = repositoryRoot();
    Path logs = repo.resolve("etl-destinations/target/bigquery-emulator");
    try {
      Files.createDirectories(logs);
      // as the README shows it, from the repository's root
      run(repo, List.of(PROVISION), logs.resolve("provision.log"), Duration.ofMinutes(15));
      Path cache = Path.of(run(repo, List.of(PROVISION, "--where"), logs.resolve("where.log"), Duration.ofSeconds(30)).strip());
      int restPort = freePort();
      int grpcPort = freePort();
      Path log = logs.resolve("emulator-" + restPort + ".log");
      Process process = new ProcessBuilder(cache.resolve("venv/bin/python").toString(),
          repo.resolve("etl-destinations/src/test/bigquery-emulator/etl_bigquery_emulator.py").toString(),
          "--rest-port", Integer.toString(restPort), "--grpc-port", Integer.toString(grpcPort),
          "--extension-dir", cache.resolve("extensions").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      BigQueryEmulator emulator = new BigQueryEmulator(
          new BigQueryEndpoints("http://127.0.0.1:" + restPort, "http://127.0.0.1:" + grpcPort), process);
      emulator.awaitReady(restPort, grpcPort, log);
      return emulator;
    } catch (IOException e) {
      throw new IllegalStateException("the BigQuery emulator could not be started: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the BigQuery emulator", e);
    }
  }

  private void awaitReady(int restPort, int grpcPort, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the BigQuery emulator exited with " + process.exitValue() + ":\n" + tail(log));
      }
      if (answers(restPort) && accepts(grpcPort)) {
        return;
      }
      Thread.sleep(250);
    }
    stop();
    throw new IllegalStateException("the BigQuery emulator did not answer within " + START_TIMEOUT.toSeconds() + " s:\n"
        + tail(log));
  }

  private static boolean answers(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(
          "http://127.0.0.1:" + port + "/bigquery/v2/projects/etl-test/datasets").toURL().openConnection();
      c.setConnectTimeout(1_000);
      c.setReadTimeout(2_000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command to its end and returns what it printed; a failure carries its output. */
  private static String run(Path dir, List<String> command, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toMinutes()
          + " min:\n" + tail(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
    }
    return out;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(PROVISION))) {
        return dir;
      }
    }
    throw new IllegalStateException(PROVISION + " not found above " + Path.of("").toAbsolutePath());
  }
}
