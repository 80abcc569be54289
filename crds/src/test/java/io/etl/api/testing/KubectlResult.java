package io.etl.api.testing;

/** What one run of kubectl returned. */
public record KubectlResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }

  @Override
  public String toString() {
    return "kubectl exited with " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}
