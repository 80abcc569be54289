package io.etl.core.source;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.ServerHost;
import io.etl.core.error.EtlException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGProperty;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.ssl.PGjdbcHostnameVerifier;

/**
 * Opens connections to a PostgreSQL server (the source, or a PostgreSQL destination): normal ones for queries, COPY and the state
 * store, and logical replication ones ({@code replication=database}) for slots and streaming.
 * Every failure to connect comes out as a classified {@link EtlException} without the password.
 *
 * <p>Host, port and database travel as driver properties, never inside the URL: pgjdbc reads
 * options from a URL's query, so a host such as {@code db/x?sslmode=disable&} would otherwise set
 * driver options that nobody configured.
 */
public final class PostgresConnector {
  public static final String SIDE = "source";
  public static final int CONNECT_TIMEOUT_SECONDS = 10;
  /** Covers a server that accepts TCP but never finishes the start-up handshake. */
  public static final int LOGIN_TIMEOUT_SECONDS = 30;
  /**
   * A normal connection that waits this long for a single read is treated as dead. Generous,
   * because a COPY or a lock wait may legitimately be silent for a while. Replication
   * connections have no socket timeout: they stay idle between keepalives by design.
   */
  public static final int QUERY_SOCKET_TIMEOUT_SECONDS = 600;
  /** pgjdbc's URL for "everything from the properties": no host, port, database or options in it. */
  private static final String URL = "jdbc:postgresql://";
  /**
   * pgjdbc's host name verifier logs a mismatch at SEVERE through java.util.logging, which prints to
   * stderr beside the one line the failure is reported in (tls_host_mismatch, saying the same).
   * JUL holds loggers weakly, hence the field.
   */
  private static final Logger HOSTNAME_VERIFIER_LOG = Logger.getLogger(PGjdbcHostnameVerifier.class.getName());

  static {
    HOSTNAME_VERIFIER_LOG.setLevel(Level.OFF);
  }

  private final PostgresConnectionConfig config;
  private final String password;
  private final String applicationName;
  private final PostgresErrors errors;
  private final String side;

  public PostgresConnector(PostgresConnectionConfig config, String password, String applicationName) {
    this(SIDE, config, password, applicationName);
  }

  /** @param side {@code source} or {@code destination}: how error messages name the server */
  public PostgresConnector(String side, PostgresConnectionConfig config, String password, String applicationName) {
    this.config = config;
    this.password = password;
    this.applicationName = applicationName;
    this.errors = PostgresErrors.of(side, config, password);
    this.side = side;
  }

  public PostgresConnectionConfig config() {
    return config;
  }

  /** The classifier for this server, for failures after the connection is open. */
  public PostgresErrors errors() {
    return errors;
  }

  /** A normal JDBC connection with autocommit on. */
  public Connection open() {
    Properties props = baseProperties();
    PGProperty.SOCKET_TIMEOUT.set(props, QUERY_SOCKET_TIMEOUT_SECONDS);
    try {
      Connection c = DriverManager.getConnection(URL, props);
      c.setAutoCommit(true);
      return c;
    } catch (SQLException e) {
      throw errors.classify(e);
    }
  }

  /**
   * A logical replication connection: it accepts replication commands such as
   * {@code IDENTIFY_SYSTEM} and {@code CREATE_REPLICATION_SLOT} through the simple query protocol,
   * and pgjdbc's replication API for streaming.
   */
  public PgConnection openReplication() {
    Properties props = baseProperties();
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    PGProperty.SOCKET_TIMEOUT.set(props, 0);
    try {
      return DriverManager.getConnection(URL, props).unwrap(PgConnection.class);
    } catch (SQLException e) {
      throw errors.classify(e);
    }
  }

  private Properties baseProperties() {
    // the config loader refuses such a host already; this covers configs built in code (the operator's)
    if (!ServerHost.isValid(config.host())) {
      throw EtlException.fatal(side + "_host_invalid", ServerHost.problem(side, config.host()) + ".",
          "Set " + side + ".host to the server's DNS name or IP address alone.", null);
    }
    Properties props = new Properties();
    PGProperty.PG_HOST.set(props, config.host());
    PGProperty.PG_PORT.set(props, config.port());
    PGProperty.PG_DBNAME.set(props, config.database());
    PGProperty.USER.set(props, config.user());
    if (password != null) {
      PGProperty.PASSWORD.set(props, password);
    }
    PGProperty.APPLICATION_NAME.set(props, applicationName);
    PGProperty.CONNECT_TIMEOUT.set(props, CONNECT_TIMEOUT_SECONDS);
    PGProperty.LOGIN_TIMEOUT.set(props, LOGIN_TIMEOUT_SECONDS);
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    // pgjdbc understands libpq's sslmode names, which is what the config holds.
    PGProperty.SSL_MODE.set(props, config.sslMode());
    if (config.sslRootCert() != null) {
      PGProperty.SSL_ROOT_CERT.set(props, config.sslRootCert());
    }
    return props;
  }

  @Override
  public String toString() {
    return "PostgresConnector[" + config.user() + "@" + config.host() + ":" + config.port() + "/" + config.database() + "]";
  }
}
