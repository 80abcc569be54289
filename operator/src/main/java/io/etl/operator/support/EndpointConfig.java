package io.etl.operator.support;

import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;

/**
 * A Pipeline's or Destination's PostgreSQL endpoint as etl-core's connection settings, for the
 * config the operator renders and for its own connections alike. An unset sslMode stays unset
 * here, so the config model's default applies in both and says the same thing.
 */
public final class EndpointConfig {
  private EndpointConfig() {}

  /**
   * @param password where the replicator finds the password (null for the operator's own connections, which pass it directly)
   * @param caFile the CA certificate's path, or null when the endpoint names no caSecretRef
   */
  public static PostgresConnectionConfig of(PostgresEndpoint endpoint, SecretRef password, String caFile) {
    return new PostgresConnectionConfig(endpoint.host, endpoint.portOrDefault(), endpoint.database, endpoint.user, password,
        endpoint.sslMode == null ? null : endpoint.sslMode.value(), caFile);
  }
}
