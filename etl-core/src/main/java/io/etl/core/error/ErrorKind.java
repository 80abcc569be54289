package io.etl.core.error;

/** What a failure means for the pipeline: retry it, or stop and tell the user. */
public enum ErrorKind {
  /** Goes away by itself (network, restart, contention): retried with backoff. */
  RETRYABLE,
  /** Needs a change by the user (credentials, configuration, schema): never retried blindly. */
  FATAL
}
