package io.etl.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A command run the way a user runs it from a README: {@code bash -c '<command>'} in a working
 * directory, with Ctrl-C not ignored, output (stdout and stderr together) to a log file.
 */
public final class ShellCommand implements AutoCloseable {
  private final String command;
  private final Process process;
  private final Path log;

  private ShellCommand(String command, Process process, Path log) {
    this.command = command;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code directory} with {@code env} added to this JVM's environment. */
  public static ShellCommand start(String command, Path directory, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      // with the default dispositions of SIGINT and SIGQUIT, as in a user's terminal: a build
      // started in the background of a script (nohup … &) ignores both, its children inherit
      // that, and a JVM started ignoring SIGINT never runs its Ctrl-C handler (the demo's test
      // then waited out its limit)
      ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT,QUIT", "bash", "-c", command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(env);
      return new ShellCommand(command, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} to its end (at most {@code limit}, a safety net) and returns its exit code. */
  public static int run(String command, Path directory, Map<String, String> env, Path log, Duration limit)
      throws InterruptedException {
    try (ShellCommand shell = start(command, directory, env, log)) {
      return shell.waitFor(limit);
    }
  }

  /**
   * Sends {@code signal} (e.g. {@code INT}) to the shell and everything it started, as Ctrl-C in a
   * terminal reaches every process of the foreground job.
   */
  public void signal(String signal) throws InterruptedException {
    List<String> pids = Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .map(p -> Long.toString(p.pid())).toList();
    try {
      Process kill = new ProcessBuilder(Stream.concat(Stream.of("kill", "-" + signal), pids.stream()).toList())
          .redirectErrorStream(true).start();
      kill.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the exit code; fails (after killing the processes) if the command is still running at {@code limit}. */
  public int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new AssertionError("still running after " + limit.toSeconds() + " s: " + command + "\n" + output());
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String command() {
    return command;
  }

  /** Kills what is still running (SIGKILL), children first. */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor();
  }
}
