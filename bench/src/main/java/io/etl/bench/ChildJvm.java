package io.etl.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link MeasuredCase} in a JVM of its own, so that the peak RSS it reports is that
 * case's alone: every child gets the same heap limit and the parent's class path. The child's
 * output is passed through; its measurement line is returned.
 *
 * <p>With environment variable {@value #PROFILE_ENV} naming a directory, each child also writes
 * a JFR recording there, named after its case (the figures of such a run are not the ones to
 * quote).
 */
final class ChildJvm {
  // large enough for the memory destination to hold the whole copied table (5M rows: ~2.5 GiB)
  static final String HEAP = "-Xmx4g";
  static final String PROFILE_ENV = "BENCH_PROFILE";

  private final Endpoints endpoints;

  ChildJvm(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** The child's measurement, or null (with a warning) if it failed. */
  Measurement run(String measuredCase, long units) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String flags = System.getenv("BENCH_CHILD_FLAGS");
    if (flags != null && !measuredCase.contains("memory")) {
      command.addAll(List.of(flags.trim().split("\\s+")));
    } else {
      command.add(HEAP);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    String profileDir = System.getenv(PROFILE_ENV);
    if (profileDir != null && !profileDir.isBlank()) {
      java.nio.file.Files.createDirectories(Path.of(profileDir));
      command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + Path.of(profileDir, measuredCase + ".jfr").toAbsolutePath());
    }
    command.add(MeasuredCase.class.getName());
    command.add(measuredCase);
    command.addAll(endpoints.toArgs());
    command.add(String.valueOf(units));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Measurement measured = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (Measurement.isLine(line)) {
          measured = Measurement.parse(line);
        } else {
          System.out.println(line);
        }
      }
    }
    int exit = child.waitFor();
    if (exit != 0 || measured == null) {
      System.out.println("bench: WARNING, " + measuredCase + " failed (child JVM exit code " + exit + ")");
      return null;
    }
    return measured;
  }
}
