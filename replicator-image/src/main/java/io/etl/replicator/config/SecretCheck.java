package io.etl.replicator.config;

import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PostgresConnectionConfig;
import java.util.Map;

/**
 * Reads every secret the config names once at start-up and forgets the values, so a missing
 * variable or unreadable file is reported as invalid configuration before anything connects.
 */
public final class SecretCheck {
  private SecretCheck() {}

  /** @throws io.etl.core.error.EtlException fatal, category {@code config_invalid}, naming the field */
  public static void verify(PipelineConfig config, Map<String, String> env) {
    check(config.source(), "source.password", env);
    check(config.destination().postgres(), "destination.postgres.password", env);
  }

  private static void check(PostgresConnectionConfig connection, String field, Map<String, String> env) {
    if (connection != null && connection.password() != null) {
      connection.password().resolve(field, env);
    }
  }
}
