package io.etl.replicator.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The replicator as a real child process: {@code java io.etl.replicator.Main config.yaml}. */
final class ReplicatorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ReplicatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ReplicatorProcess start(Path config, Map<String, String> env, Path log, String... jvmOptions) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(classpath);
    command.add("io.etl.replicator.Main");
    command.add(config.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ReplicatorProcess(builder.start(), log);
  }

  Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  static Path writeConfig(Path dir, String yaml) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "pipeline", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  static Path logFile(String name) throws IOException {
    Path dir = Path.of("target", "replicator-logs");
    Files.createDirectories(dir);
    return dir.resolve(name + ".log");
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
