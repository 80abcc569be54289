package io.etl.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short command on this machine (ip, iptables, ctr, umount), its output read whole. */
record HostCommand(int exitCode, String output) {
  private static final long TIMEOUT_SECONDS = 120;

  boolean succeeded() {
    return exitCode == 0;
  }

  static HostCommand run(String... command) {
    return run(List.of(command));
  }

  static HostCommand run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      // read before waiting: a full pipe would block the command
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new HostCommand(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + command + " ran", e);
    }
  }

  /** Runs the command and returns its output; fails, with the output, unless it exits 0. */
  static String check(String... command) {
    return check(List.of(command));
  }

  static String check(List<String> command) {
    HostCommand result = run(command);
    if (!result.succeeded()) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode + ":\n" + result.output);
    }
    return result.output;
  }
}
