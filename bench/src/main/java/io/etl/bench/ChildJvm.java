package io.etl.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link MeasuredCase} in a JVM of its own, so that the peak RSS it reports is that
 * case's alone: every child gets the JVM flags of its case ({@link MeasuredCase#jvmFlags}) and
 * the parent's class path. The child's output is passed through; its measurement line is
 * returned.
 *
 * <p>With environment variable {@value #PROFILE_ENV} naming a directory, each child also writes
 * a JFR recording there, named after its case (the figures of such a run are not the ones to
 * quote).
 */
final class ChildJvm {
  /**
   * The replicator's JVM as the operator runs it, for every case whose destination holds nothing
   * in the JVM (discard, PostgreSQL): {@code -XX:MaxRAM} stands in for the pod's default memory
   * limit ({@code ReplicatorResources}), then the Deployment's {@code JAVA_TOOL_OPTIONS} ({@code
   * ReplicatorDeployment}) and the image's {@code jvmFlags} (replicator-image/pom.xml), with the
   * image's environment ({@link #REPLICATOR_ENV}). {@code ReplicatorFlagsTest} checks they agree.
   */
  static final String REPLICATOR_FLAGS = "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
      + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
  /** The image's environment for the JVM (its {@code <environment>}). */
  static final Map<String, String> REPLICATOR_ENV = Map.of("MALLOC_ARENA_MAX", "2");
  // large enough for the memory destination to hold the whole copied table (5M rows: ~2.5 GiB)
  static final String MEMORY_DESTINATION_FLAGS = "-Xmx4g";
  static final String PROFILE_ENV = "BENCH_PROFILE";

  private final Endpoints endpoints;

  ChildJvm(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** The child's measurement, or null (with a warning) if it failed. */
  Measurement run(String measuredCase, long units, String... extraArgs) throws Exception {
    return start(measuredCase, units, extraArgs).await(TimeUnit.HOURS.toMillis(2));
  }

  /** Starts the case; {@link Running#await} returns its measurement. */
  Running start(String measuredCase, long units, String... extraArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(MeasuredCase.jvmFlags(measuredCase).trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    String profileDir = System.getenv(PROFILE_ENV);
    if (profileDir != null && !profileDir.isBlank()) {
      Files.createDirectories(Path.of(profileDir));
      command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + Path.of(profileDir, measuredCase + ".jfr").toAbsolutePath());
    }
    command.add(MeasuredCase.class.getName());
    command.add(measuredCase);
    command.addAll(endpoints.toArgs());
    command.add(String.valueOf(units));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (MeasuredCase.jvmFlags(measuredCase).equals(REPLICATOR_FLAGS)) {
      builder.environment().putAll(REPLICATOR_ENV);
    }
    return new Running(measuredCase, builder.start());
  }

  /** A child running its case; its output is passed through as it comes. */
  static final class Running {
    private final String measuredCase;
    private final Process child;
    private final Thread reader;
    private volatile Measurement measured;

    private Running(String measuredCase, Process child) {
      this.measuredCase = measuredCase;
      this.child = child;
      this.reader = new Thread(this::passOutputThrough, "child-" + measuredCase);
      reader.start();
    }

    private void passOutputThrough() {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (Measurement.isLine(line)) {
            measured = Measurement.parse(line);
          } else {
            System.out.println(line);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean isAlive() {
      return child.isAlive();
    }

    /** The child's measurement, or null (with a warning) if it failed or was still running after {@code millis} (then it is killed). */
    Measurement await(long millis) throws InterruptedException {
      if (!child.waitFor(millis, TimeUnit.MILLISECONDS)) {
        System.out.println("bench: WARNING, " + measuredCase + " still running after " + millis / 1000 + " s: killed");
        child.destroyForcibly();
        child.waitFor();
      }
      reader.join();
      int exit = child.exitValue();
      if (exit != 0 || measured == null) {
        System.out.println("bench: WARNING, " + measuredCase + " failed (child JVM exit code " + exit + ")");
        return null;
      }
      return measured;
    }
  }
}
