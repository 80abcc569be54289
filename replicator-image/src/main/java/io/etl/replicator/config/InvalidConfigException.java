package io.etl.replicator.config;

import io.etl.replicator.ExitCode;
import io.etl.replicator.StartupFailure;

/** The configuration cannot be used as written; the process exits with {@link ExitCode#INVALID_CONFIG}. */
public final class InvalidConfigException extends StartupFailure {
  public InvalidConfigException(String problem, String fix) {
    super(ExitCode.INVALID_CONFIG, problem, fix, null);
  }

  public InvalidConfigException(String problem, String fix, Throwable cause) {
    super(ExitCode.INVALID_CONFIG, problem, fix, cause);
  }
}
