package io.etl.operator.testing;

import io.etl.core.testing.ShellCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The helm binary the chart tests run: built from its Go module by scripts/provision-helm.sh,
 * which runs from here, as written, from the repository's root, when its cache is missing (so a
 * fresh machine needs only Go). A failed provisioning fails the test with the script's output; it
 * is never turned into a skip.
 */
public final class Helm {
  public static final String PROVISION = "scripts/provision-helm.sh";
  private static Path binary;

  private Helm() {}

  /** The helm binary, provisioned on first use. */
  public static synchronized Path binary(Path repositoryRoot) {
    if (binary == null) {
      Path logs = repositoryRoot.resolve("operator/target/helm");
      run(repositoryRoot, PROVISION, logs.resolve("provision.log"), Duration.ofMinutes(30));
      binary = Path.of(run(repositoryRoot, PROVISION + " --where", logs.resolve("where.log"), Duration.ofSeconds(30)).strip());
    }
    return binary;
  }

  /**
   * Environment for a shell command that runs {@code helm} as a user would: this helm first on the
   * PATH, ahead of {@code base} (e.g. the kubectl and KUBECONFIG of a test API server).
   */
  public static Map<String, String> shellEnvironment(Path repositoryRoot, Map<String, String> base) {
    Map<String, String> env = new HashMap<>(base);
    String path = base.getOrDefault("PATH", System.getenv("PATH"));
    env.put("PATH", binary(repositoryRoot).getParent() + ":" + path);
    // helm's own caches and config under target/, not in the user's home
    Path home = repositoryRoot.resolve("operator/target/helm/home");
    env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
    env.put("HELM_DATA_HOME", home.resolve("data").toString());
    return env;
  }

  /** Runs {@code helm <args>} in the repository's root; returns exit code and output. */
  public static Result helm(Path repositoryRoot, List<String> args) {
    return sh(repositoryRoot, Map.of(), "helm " + String.join(" ", args));
  }

  /** Runs a shell command with helm on the PATH; returns exit code and output. */
  public static Result sh(Path repositoryRoot, Map<String, String> base, String command) {
    try {
      Path log = Files.createTempFile("helm", ".log");
      try {
        int code = ShellCommand.run(command, repositoryRoot, shellEnvironment(repositoryRoot, base), log, Duration.ofMinutes(5));
        return new Result(command, code, Files.readString(log));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  public record Result(String command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return command + " exited " + exitCode + ":\n" + output;
    }
  }

  private static String run(Path dir, String command, Path log, Duration limit) {
    try {
      int code = ShellCommand.run(command, dir, Map.of(), log, limit);
      String out = Files.readString(log);
      if (code != 0) {
        throw new IllegalStateException(command + " failed (exit " + code + "):\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
