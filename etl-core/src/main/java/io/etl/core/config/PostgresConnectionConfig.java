package io.etl.core.config;

import java.util.List;

/**
 * How to reach a PostgreSQL server.
 *
 * @param sslMode libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full; when unset
 *     {@code verify-full} if {@code sslRootCert} is given, else {@code require} (see {@link #defaultSslMode})
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
    sslMode = sslMode == null ? defaultSslMode(sslRootCert) : sslMode;
  }

  /**
   * The one place the default is decided (the loader, the operator's rendering and its own
   * connections all build this record; the CRD has no default of its own). Never libpq's
   * {@code prefer}: it checks no certificate and falls back to plaintext without a word. With a CA
   * at hand the server's certificate and name are checked; without one the connection is still
   * encrypted or fails, never silently plaintext.
   */
  public static String defaultSslMode(String sslRootCert) {
    return sslRootCert == null ? "require" : "verify-full";
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
