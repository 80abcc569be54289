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
  private final Integer tableOid;

  /**
   * @param kind retryable or fatal
   * @param category short machine-readable cause for metrics, e.g. {@code source_unreachable}
   * @param reason what went wrong, in one sentence
   * @param solution what the user can do about it, in one sentence (may be empty)
   */
  public EtlException(ErrorKind kind, String category, String reason, String solution, Throwable cause) {
    this(kind, category, reason, solution, cause, null);
  }

  private EtlException(
      ErrorKind kind, String category, String reason, String solution, Throwable cause, Integer tableOid) {
    super(reason + (solution == null || solution.isEmpty() ? "" : " Fix: " + solution), cause);
    this.kind = kind;
    this.category = category;
    this.reason = reason;
    this.solution = solution == null ? "" : solution;
    this.tableOid = tableOid;
  }

  /**
   * The same failure, pinned to one table: a fatal one then errors only that table and the
   * pipeline goes on with the others. Keeps a table named earlier.
   */
  public EtlException forTable(int oid) {
    if (tableOid != null) {
      return this;
    }
    EtlException pinned = new EtlException(kind, category, reason, solution, getCause(), oid);
    pinned.setStackTrace(getStackTrace());
    return pinned;
  }

  /** The table the failure belongs to, if it belongs to one. */
  public java.util.OptionalInt tableOid() {
    return tableOid == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(tableOid);
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
