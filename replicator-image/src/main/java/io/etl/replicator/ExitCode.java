package io.etl.replicator;

/** The replicator's process exit codes; documented in replicator-image/README.md. */
public enum ExitCode {
  /** Stopped cleanly, also after SIGTERM or SIGINT. */
  STOPPED(0),
  /** A bug or an unexpected failure; the one-line message is followed by a stack trace. */
  INTERNAL_ERROR(1),
  /** Config file missing, malformed YAML, unknown key, invalid value or a secret that cannot be read. */
  INVALID_CONFIG(2),
  /** The source or the destination failed in a way that needs the user to act (auth, missing publication, …). */
  FATAL_ERROR(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
