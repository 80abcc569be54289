package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How to reach a PostgreSQL server: the source of a Pipeline or a postgres Destination. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresEndpoint {
  /** Also etl-core's ServerHost.DNS_NAME; the operator's tests check that the two agree. */
  public static final String HOST_NAME =
      "^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?([.][A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*[.]?$";
  /** At least two colons, as every IPv6 address has: one would be a name with a port. */
  public static final String IPV6 = "^[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$";

  /**
   * The same rule as etl-core's ServerHost (which the replicator checks): a DNS name (RFC 1123
   * labels, underscores allowed) or an IPv6 address; IPv4 addresses match the name form. The IPv6
   * form here only lets hex digits, colons and dots through (CEL has no IP parser on every
   * Kubernetes version); the replicator parses it exactly. Nothing else, because pgjdbc would read
   * a list of hosts or driver options out of it.
   */
  @Required
  @Size(min = 1, max = 253)
  @ValidationRule(
      value = "self.matches('" + HOST_NAME + "') || self.matches('" + IPV6 + "')",
      message = "host must be a DNS name or an IP address (the port goes in port; no path or options)")
  @JsonPropertyDescription("DNS name or IP address of the server (no port, path or options).")
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

  // No schema default: the replicator's config model decides (verify-full with a CA, require
  // without), which a static default could not, and the API server would store it in every object.
  @JsonPropertyDescription("libpq sslmode; when unset: verify-full when caSecretRef is set, require otherwise.")
  public SslMode sslMode;

  @JsonPropertyDescription("Secret key holding the CA certificate (PEM) for verify-ca and verify-full.")
  public SecretKeyRef caSecretRef;

  public int portOrDefault() {
    return port == null ? 5432 : port;
  }
}
