package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** How to reach a PostgreSQL server: the source of a Pipeline or a postgres Destination. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresEndpoint {
  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Host name or IP address of the server.")
  public String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port; 5432 when unset.")
  public Integer port;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Database name.")
  public String database;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Role to connect as.")
  public String user;

  @JsonPropertyDescription("Secret key holding the role's password; unset for trust or certificate authentication.")
  public SecretKeyRef passwordSecretRef;

  @JsonPropertyDescription("libpq sslmode; prefer when unset.")
  public SslMode sslMode;

  @JsonPropertyDescription("Secret key holding the CA certificate (PEM) for verify-ca and verify-full.")
  public SecretKeyRef caSecretRef;

  public int portOrDefault() {
    return port == null ? 5432 : port;
  }

  public SslMode sslModeOrDefault() {
    return sslMode == null ? SslMode.PREFER : sslMode;
  }
}
