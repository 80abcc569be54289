package io.etl.e2e.cluster;

import io.etl.api.testing.KubectlResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl binary, pointed at one cluster only (never the user's ~/.kube). */
final class Kubectl {
  private static final long TIMEOUT_SECONDS = 180;

  private final Path binary;
  private final Path kubeconfig;
  private final Path workDir;

  Kubectl(Path binary, Path kubeconfig, Path workDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
  }

  Path binary() {
    return binary;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  KubectlResult run(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + workDir.resolve("cache"));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(workDir);
      Path stdout = Files.createTempFile(workDir, "kubectl", ".out");
      Path stderr = Files.createTempFile(workDir, "kubectl", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
      builder.environment().remove("KUBECONFIG");
      Process process = builder.start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS
            + " s; stderr so far:\n" + Files.readString(stderr));
      }
      KubectlResult result = new KubectlResult(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
      Files.delete(stdout);
      Files.delete(stderr);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while kubectl ran", e);
    }
  }
}
