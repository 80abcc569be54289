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

  public static final Range PORT = new Range(1, 65535);
  /** The longest DNS name. */
  public static final Range HOST_LENGTH = new Range(1, 253);
  /** PostgreSQL's longest name (NAMEDATALEN - 1); the server cuts longer ones short. */
  public static final Range NAME_LENGTH = new Range(1, 63);

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
    } else if (!HOST_LENGTH.contains(host.length())) {
      HOST_LENGTH.checkLength(field + ".host", host, problems);
    } else if (!ServerHost.isValid(host)) {
      problems.add(ServerHost.problem(field, host));
    }
    PORT.check(field + ".port", port, problems);
    if (database == null || database.isBlank()) {
      problems.add(field + ".database is required");
    } else {
      NAME_LENGTH.checkLength(field + ".database", database, problems);
    }
    if (user == null || user.isBlank()) {
      problems.add(field + ".user is required");
    } else {
      NAME_LENGTH.checkLength(field + ".user", user, problems);
    }
    if (password != null) {
      password.validate(field + ".password", problems);
    }
    if (!SSL_MODES.contains(sslMode)) {
      problems.add(field + ".sslMode must be one of " + SSL_MODES + ", got '" + sslMode + "'");
    }
  }
}
