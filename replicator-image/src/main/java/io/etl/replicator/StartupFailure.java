package io.etl.replicator;

/**
 * A failure a user can fix, already phrased: it ends the process with {@code exitCode} and
 * the single line {@code etl: <problem>. Fix: <fix>}.
 */
public class StartupFailure extends RuntimeException {
  private final ExitCode exitCode;
  private final String problem;
  private final String fix;

  public StartupFailure(ExitCode exitCode, String problem, String fix, Throwable cause) {
    super(FailureLine.format(problem, fix), cause);
    this.exitCode = exitCode;
    this.problem = problem;
    this.fix = fix;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public String problem() {
    return problem;
  }

  public String fix() {
    return fix;
  }

  /** The one line printed for this failure. */
  public String line() {
    return getMessage();
  }
}
