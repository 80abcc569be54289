package io.etl.core.error;

/**
 * The one exception type the pipeline acts on. It is classified once, where the failure is
 * caught, and carries a problem statement and the fix a user can apply.
 */
public class EtlException extends RuntimeException {
  private final ErrorKind kind;
  private final String reason;
  private final String category;
  private final String solution;

  /**
   * @param kind retryable or fatal
   * @param category short machine-readable cause for metrics, e.g. {@code source_unreachable}
   * @param reason what went wrong, in one sentence
   * @param solution what the user can do about it, in one sentence (may be empty)
   */
  public EtlException(ErrorKind kind, String category, String reason, String solution, Throwable cause) {
    super(reason + (solution == null || solution.isEmpty() ? "" : " Fix: " + solution), cause);
    this.kind = kind;
    this.category = category;
    this.reason = reason;
    this.solution = solution == null ? "" : solution;
  }

  public static EtlException retryable(String category, String reason, String solution, Throwable cause) {
    return new EtlException(ErrorKind.RETRYABLE, category, reason, solution, cause);
  }

  public static EtlException fatal(String category, String reason, String solution, Throwable cause) {
    return new EtlException(ErrorKind.FATAL, category, reason, solution, cause);
  }

  public ErrorKind kind() {
    return kind;
  }

  public boolean isRetryable() {
    return kind == ErrorKind.RETRYABLE;
  }

  public String category() {
    return category;
  }

  public String reason() {
    return reason;
  }

  public String solution() {
    return solution;
  }
}
