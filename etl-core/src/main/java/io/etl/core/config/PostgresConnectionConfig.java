package io.etl.core.config;

import java.util.List;

/**
 * How to reach a PostgreSQL server.
 *
 * @param sslMode libpq sslmode: disable, allow, prefer (default), require, verify-ca, verify-full
 * @param sslRootCert path of the CA certificate (PEM) that verify-ca and verify-full check the
 *     server against; pgjdbc's default ({@code ~/.postgresql/root.crt}) when unset
 */
public record PostgresConnectionConfig(
    String host, Integer port, String database, String user, SecretRef password, String sslMode, String sslRootCert) {

  public PostgresConnectionConfig(String host, Integer port, String database, String user, SecretRef password, String sslMode) {
    this(host, port, database, user, password, sslMode, null);
  }

  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  public PostgresConnectionConfig {
    port = port == null ? 5432 : port;
    sslMode = sslMode == null ? "prefer" : sslMode;
  }

  public void validate(String field, List<String> problems) {
    if (host == null || host.isBlank()) {
      problems.add(field + ".host is required");
    } else if (!ServerHost.isValid(host)) {
      problems.add(ServerHost.problem(field, host));
    }
    if (port < 1 || port > 65535) {
      problems.add(field + ".port must be between 1 and 65535, got " + port);
    }
    if (database == null || database.isBlank()) {
      problems.add(field + ".database is required");
    }
    if (user == null || user.isBlank()) {
      problems.add(field + ".user is required");
    }
    if (password != null) {
      password.validate(field + ".password", problems);
    }
    if (!SSL_MODES.contains(sslMode)) {
      problems.add(field + ".sslMode must be one of " + SSL_MODES + ", got '" + sslMode + "'");
    }
  }
}
