package io.etl.core.source;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.error.EtlException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.postgresql.core.QueryExecutor;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.util.HostSpec;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Classifies failures talking to one PostgreSQL server into {@link EtlException}s: retryable or
 * fatal, a category {@code <side>_<cause>} for metrics, a one-line reason naming the server, and a
 * one-line fix. Used for the source and, with side {@code "destination"}, for a PostgreSQL
 * destination.
 *
 * <p>The password given here is redacted from every reason and never travels in a cause chain
 * that mentions it.
 */
public final class PostgresErrors {
  private static final String REDACTED = "[redacted]";

  private final String side;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String secret;
  private final String sslMode;
  private final String sslRootCert;

  /**
   * @param side {@code "source"} or {@code "destination"}: which server the messages talk about
   * @param secret the password to keep out of messages; null when none
   */
  public PostgresErrors(String side, String host, int port, String database, String user, String secret) {
    this(side, host, port, database, user, secret, null, null);
  }

  /** @param sslMode and {@code sslRootCert} as configured, for the messages about TLS; null when unknown */
  public PostgresErrors(String side, String host, int port, String database, String user, String secret, String sslMode,
      String sslRootCert) {
    this.side = Objects.requireNonNull(side, "side");
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.secret = secret == null || secret.isEmpty() ? null : secret;
    this.sslMode = sslMode;
    this.sslRootCert = sslRootCert;
  }

  public static PostgresErrors of(String side, PostgresConnectionConfig config, String password) {
    return new PostgresErrors(side, config.host(), config.port(), config.database(), config.user(), password,
        config.sslMode(), config.sslRootCert());
  }

  /**
   * A classifier for failures on an already open connection, naming the server it is connected
   * to. Without a password: server messages after log-in never contain it.
   */
  public static PostgresErrors forConnection(String side, Connection connection) {
    try {
      // The query executor keeps these even after the connection broke, which is when we need them.
      // (unwrap refuses a closed connection, hence the instanceof first.)
      PgConnection pg = connection instanceof PgConnection p ? p : connection.unwrap(PgConnection.class);
      QueryExecutor executor = pg.getQueryExecutor();
      HostSpec hostSpec = executor.getHostSpec();
      return new PostgresErrors(
          side, hostSpec.getHost(), hostSpec.getPort(), executor.getDatabase(), executor.getUser(), null);
    } catch (SQLException e) {
      // Not a pgjdbc connection (e.g. a pool's wrapper that refuses unwrap): name it generically.
      return new PostgresErrors(side, "unknown-host", 0, "unknown", "unknown", null);
    }
  }

  public String side() {
    return side;
  }

  /** Classifies any failure; an {@link EtlException} is returned as it is. */
  public EtlException classify(Throwable failure) {
    if (failure instanceof EtlException e) {
      return e;
    }
    SQLException sql = find(failure, SQLException.class);
    if (sql != null && sql.getSQLState() != null) {
      return classifySqlState(sql, failure);
    }
    return classifyTransport(failure);
  }

  private EtlException classifySqlState(SQLException e, Throwable failure) {
    String state = e.getSQLState();
    String said = serverSaid(e);
    TlsFailures.Kind tls = TlsFailures.kind(failure, state, said);
    if (tls != null) {
      return tlsFailure(tls, said, failure);
    }
    switch (state) {
      case "28P01":
        return fatal("auth_failed",
            server() + " rejected the password for user '" + user + "' (database '" + database + "').",
            "Check that the " + side + " password secret holds the current password of user '" + user
                + "' and that pg_hba.conf on the " + side + " server allows this user from the replicator's address.",
            failure);
      case "28000":
        return fatal("auth_failed",
            server() + " refused user '" + user + "' for database '" + database + "': " + said + ".",
            "Add a pg_hba.conf entry on the " + side + " server that lets user '" + user + "' connect to database '"
                + database + "' from the replicator's address (then reload the server), and check that the role exists.",
            failure);
      case "3D000":
        return fatal("database_missing",
            server() + " has no database '" + database + "'.",
            "Create database '" + database + "' on the " + side + " server or correct " + side + ".database.",
            failure);
      case "08001", "08006", "08004":
        if ("08004".equals(state) && (said.contains("password") || said.contains("authentication"))) {
          return fatal("auth_failed",
              server() + " refused user '" + user + "': " + said + ".",
              "Provide the password for user '" + user + "' through the " + side
                  + " password secret, or allow an authentication method the driver supports in pg_hba.conf.",
              failure);
        }
        return unreachable(transportDetail(failure, said), failure);
      case "57P01", "57P02", "57P03":
        return retryable("unavailable",
            server() + " is shutting down, restarting or not yet accepting connections: " + said + ".",
            "Nothing if the server comes back by itself (the replicator keeps retrying); otherwise check the "
                + side + " server's logs.",
            failure);
      case "40001", "40P01":
        return retryable("transaction_conflict",
            server() + " aborted a transaction because of a concurrent one: " + said + ".",
            "Nothing: the replicator retries the transaction.",
            failure);
      case "53300":
        return retryable("too_many_connections",
            server() + " has no free connection slots: " + said + ".",
            "Raise max_connections on the " + side + " server or close other clients' connections;"
                + " the replicator keeps retrying meanwhile.",
            failure);
      case "42501":
        return fatal("permission_denied",
            server() + " denied user '" + user + "' a privilege: " + said + ".",
            "Grant user '" + user + "' the missing privilege on the " + side
                + " server (for example SELECT on the published tables, or REPLICATION).",
            failure);
      case "55006":
        return retryable("object_in_use",
            server() + " reports an object in use by another session: " + said + ".",
            "Stop the other session using it (another replicator running the same pipeline?);"
                + " the replicator keeps retrying meanwhile.",
            failure);
      default:
        break;
    }
    // Whole classes that pass by themselves: connection trouble, lack of resources, cancelled
    // statements, lock waits, and a server that became read-only during a fail-over.
    if (state.startsWith("08") || state.startsWith("53") || state.startsWith("58")
        || "57014".equals(state) || "55P03".equals(state) || "25006".equals(state)) {
      return retryable("error",
          server() + " failed with SQLSTATE " + state + ": " + said + ".",
          "Nothing if it is temporary (the replicator keeps retrying); if it persists, check the " + side
              + " server's logs.",
          failure);
    }
    return fatal("error",
        server() + " failed with SQLSTATE " + state + ": " + said + ".",
        "Fix the cause on the " + side + " server (see SQLSTATE " + state
            + " in the PostgreSQL documentation); the replicator does not retry this error.",
        failure);
  }

  private EtlException classifyTransport(Throwable failure) {
    TlsFailures.Kind tls = TlsFailures.kind(failure, null, "");
    if (tls != null) {
      return tlsFailure(tls, oneLine(failure.getMessage()), failure);
    }
    if (find(failure, IOException.class) != null || failure instanceof SQLException) {
      return unreachable(transportDetail(failure, oneLine(failure.getMessage())), failure);
    }
    return fatal("error",
        "Talking to the " + side + " PostgreSQL server at " + hostPort() + " failed unexpectedly: "
            + failure.getClass().getSimpleName() + " " + oneLine(failure.getMessage()) + ".",
        "Report this as a bug in the replicator with its log.",
        failure);
  }

  private EtlException unreachable(String detail, Throwable failure) {
    return retryable("unreachable",
        "Cannot reach the " + side + " PostgreSQL server at " + hostPort() + " (" + detail + ").",
        "Check " + side + ".host and " + side + ".port, that the server is running and accepts TCP connections,"
            + " and that no firewall or network policy blocks the replicator; it keeps retrying meanwhile.",
        failure);
  }

  private String transportDetail(Throwable failure, String fallback) {
    if (find(failure, UnknownHostException.class) != null) {
      return "unknown host '" + host + "'";
    }
    if (find(failure, ConnectException.class) != null) {
      return "connection refused";
    }
    if (find(failure, NoRouteToHostException.class) != null) {
      return "no route to host";
    }
    if (find(failure, SocketTimeoutException.class) != null) {
      return "timed out";
    }
    IOException io = find(failure, IOException.class);
    if (io != null) {
      return io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + oneLine(io.getMessage()));
    }
    return fallback;
  }

  /**
   * Every TLS failure is fatal: a certificate, a CA file or a host name does not mend by retrying.
   * The fixes name the YAML key and, for the CA, the Kubernetes field (the operator words its
   * conditions with these same messages).
   */
  private EtlException tlsFailure(TlsFailures.Kind kind, String said, Throwable failure) {
    String field = side.equals("source") ? "source" : side + ".postgres";
    String mode = "sslMode " + (sslMode == null ? "verify-full" : sslMode);
    String caSources = field + ".sslRootCert in the pipeline YAML, "
        + (side.equals("source") ? "spec.source.caSecretRef of a Pipeline" : "spec.postgres.caSecretRef of a Destination");
    return switch (kind) {
      case UNAVAILABLE -> fatal(kind.cause,
          server() + " does not accept TLS connections, and sslMode " + (sslMode == null ? "require" : sslMode) + " needs them.",
          "Turn TLS on at the server (ssl = on, with a certificate); only where plaintext is acceptable, set " + field
              + ".sslMode to disable.",
          failure);
      case UNTRUSTED_CERTIFICATE -> fatal(kind.cause,
          server() + " presented a TLS certificate that is not signed by the CA certificate given for it (" + mode + ").",
          "Give the replicator the CA certificate (PEM) that signed the server's certificate: " + caSources + ".",
          failure);
      case CERTIFICATE_EXPIRED -> fatal(kind.cause,
          server() + " presented a TLS certificate that has expired or is not valid yet (" + mode + ").",
          "Renew the server's certificate, and check the clocks of the server and the replicator.",
          failure);
      case HOST_MISMATCH -> fatal(kind.cause,
          server() + " presented a TLS certificate that is not issued for host name '" + host + "' (" + mode
              + " checks the name).",
          "Set " + field + ".host to a name the server's certificate holds (a subject alternative name), or have the"
              + " certificate reissued to include '" + host + "'.",
          failure);
      case CA_UNREADABLE -> fatal(kind.cause,
          "The CA certificate for the " + side + " PostgreSQL server at " + hostPort() + " cannot be read from "
              + (sslRootCert == null ? "pgjdbc's default ~/.postgresql/root.crt (no " + field + ".sslRootCert is set)" : sslRootCert)
              + ".",
          "Give the replicator the CA certificate (PEM) that signed the server's certificate: " + caSources + "; or, to"
              + " encrypt without checking the certificate, set " + field + ".sslMode to require.",
          failure);
      case OTHER -> fatal(kind.cause,
          server() + " could not establish TLS: " + said + ".",
          "Check " + field + ".sslMode and the server's certificate: require and verify-* need a server with TLS on,"
              + " verify-ca and verify-full a certificate signed by the CA given in " + caSources + ".",
          failure);
    };
  }

  /** The server's own message when there is one, else the driver's first line. */
  private String serverSaid(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && m.getMessage() != null) {
        return oneLine(m.getMessage());
      }
    }
    return oneLine(e.getMessage());
  }

  private String server() {
    return "The " + side + " PostgreSQL server at " + hostPort();
  }

  private String hostPort() {
    return host + ":" + port;
  }

  private EtlException fatal(String cause, String reason, String fix, Throwable failure) {
    return EtlException.fatal(category(cause), reason, fix, safeCause(failure));
  }

  private EtlException retryable(String cause, String reason, String fix, Throwable failure) {
    return EtlException.retryable(category(cause), reason, fix, safeCause(failure));
  }

  private String category(String cause) {
    return side + "_" + cause;
  }

  private String redact(String text) {
    return secret == null ? text : text.replace(secret, REDACTED);
  }

  /** The original failure, unless any message in its chain mentions the password. */
  private Throwable safeCause(Throwable failure) {
    if (secret == null) {
      return failure;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(secret)) {
        return null;
      }
    }
    return failure;
  }

  /**
   * Text from the server or the driver as one line without a final period, the password
   * redacted. Only this foreign text is redacted: the rest of a reason comes from configuration
   * (host, user, database), which is not secret even when a weak password happens to equal it.
   */
  private String oneLine(String text) {
    if (text == null || text.isBlank()) {
      return "no message";
    }
    String line = redact(text.strip().replaceAll("\\s+", " "));
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "PostgresErrors[" + side + " " + user + "@" + hostPort() + "/" + database + "]";
  }
}
