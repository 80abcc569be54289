package io.etl.replicator;

import io.etl.core.error.EtlException;

/**
 * How a failure ends the process: its exit code and the one line printed for it. Only failures
 * nobody anticipated (exit code 1) carry a stack trace to stderr; the others log it at debug.
 */
public record Failure(ExitCode exitCode, String line, boolean withStackTrace) {
  static final String CONFIG_INVALID_CATEGORY = "config_invalid";

  public static Failure of(Throwable e) {
    if (e instanceof StartupFailure startup) {
      return new Failure(startup.exitCode(), startup.line(), false);
    }
    if (e instanceof EtlException etl) {
      ExitCode code = CONFIG_INVALID_CATEGORY.equals(etl.category()) ? ExitCode.INVALID_CONFIG : ExitCode.FATAL_ERROR;
      String fix = etl.solution().isEmpty() ? "fix the problem named here in the source or the destination, then restart the replicator" : etl.solution();
      return new Failure(code, FailureLine.format(etl.reason(), fix), false);
    }
    return new Failure(
        ExitCode.INTERNAL_ERROR,
        FailureLine.format(
            "unexpected internal error (" + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
            "restart the replicator; if it happens again, report it with the stack trace that follows this line"),
        true);
  }
}
