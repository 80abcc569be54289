package io.etl.replicator.config;

import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import java.util.Map;

/**
 * Reads every secret the config names once at start-up and forgets the values, so a missing
 * variable or unreadable file is reported as invalid configuration before anything connects.
 */
public final class SecretCheck {
  /** 128 bits as hex: a shorter token can be guessed by whoever can knock on the admin port. */
  public static final int MIN_ADMIN_TOKEN_LENGTH = 32;
  private static final String ADMIN_TOKEN = "http.admin.token";

  private SecretCheck() {}

  /** @throws io.etl.core.error.EtlException fatal, category {@code config_invalid}, naming the field */
  public static void verify(PipelineConfig config, Map<String, String> env) {
    check(config.source(), "source.password", env);
    check(config.destination().postgres(), "destination.postgres.password", env);
    SecretRef adminToken = config.http().admin().token();
    if (adminToken != null) {
      String token = adminToken.resolve(ADMIN_TOKEN, env).strip();
      if (token.length() < MIN_ADMIN_TOKEN_LENGTH) {
        throw new InvalidConfigException(
            ADMIN_TOKEN + " (" + adminToken + ") holds " + token.length() + " characters, fewer than the "
                + MIN_ADMIN_TOKEN_LENGTH + " an admin token needs",
            "write a random token there, e.g. with openssl rand -hex 32");
      }
    }
  }

  private static void check(PostgresConnectionConfig connection, String field, Map<String, String> env) {
    if (connection != null && connection.password() != null) {
      connection.password().resolve(field, env);
    }
  }
}
