package io.etl.core.source;

import java.io.FileNotFoundException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Tells why TLS to a PostgreSQL server failed, from what pgjdbc throws, so each cause gets its own
 * reason and fix instead of a generic "could not establish TLS" (or, for a host name or CA file
 * problem, a retry loop: pgjdbc reports those as connection failures, SQLSTATE 08006).
 *
 * <p>Recognised by exception types where there are any; pgjdbc's messages are translated, so the
 * only text matched is what no translation changes (the name of its host name verifier, which it
 * puts into the message) and, for a server without TLS, the "SSL" the previous code matched too.
 */
final class TlsFailures {
  /** pgjdbc names its default verifier so in "The hostname {0} could not be verified by hostnameverifier {1}". */
  private static final String PGJDBC_HOSTNAME_VERIFIER = "PgjdbcHostnameVerifier";

  /** What went wrong; {@code cause} is the category suffix, e.g. {@code tls_host_mismatch}. */
  enum Kind {
    UNAVAILABLE("tls_unavailable"),
    UNTRUSTED_CERTIFICATE("tls_untrusted_certificate"),
    CERTIFICATE_EXPIRED("tls_certificate_expired"),
    HOST_MISMATCH("tls_host_mismatch"),
    CA_UNREADABLE("tls_ca_unreadable"),
    OTHER("tls_failed");

    final String cause;

    Kind(String cause) {
      this.cause = cause;
    }
  }

  private TlsFailures() {}

  /** The TLS problem behind {@code failure}, or null when it is not one. */
  static Kind kind(Throwable failure, String sqlState, String message) {
    if ("08004".equals(sqlState) && message.contains("SSL") && find(failure, SSLHandshakeException.class) == null) {
      return Kind.UNAVAILABLE;
    }
    if (find(failure, CertificateExpiredException.class) != null || find(failure, CertificateNotYetValidException.class) != null) {
      return Kind.CERTIFICATE_EXPIRED;
    }
    if (find(failure, CertPathBuilderException.class) != null) {
      return Kind.UNTRUSTED_CERTIFICATE;
    }
    if ("08006".equals(sqlState) && message.contains(PGJDBC_HOSTNAME_VERIFIER)) {
      return Kind.HOST_MISMATCH;
    }
    boolean handshake = find(failure, SSLHandshakeException.class) != null || find(failure, SSLPeerUnverifiedException.class) != null;
    // before any handshake: pgjdbc could not load the CA file it was given (missing, or not a certificate)
    if (!handshake && find(failure, SQLException.class) != null
        && (find(failure, FileNotFoundException.class) != null || find(failure, CertificateException.class) != null)) {
      return Kind.CA_UNREADABLE;
    }
    return handshake ? Kind.OTHER : null;
  }

  static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
