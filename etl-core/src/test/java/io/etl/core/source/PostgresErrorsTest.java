package io.etl.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.error.EtlException;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The SQLSTATE table for states that are hard to provoke on demand; the common ones are proven
 * against a real server in {@link PostgresConnectorIT} and {@link SourcePreflightIT}.
 */
class PostgresErrorsTest {
  private static final String SECRET = "s3cr3t-Pa55";

  private final PostgresErrors source = new PostgresErrors("source", "db.example", 5433, "shop", "app", SECRET);

  private EtlException classify(String state, String message) {
    return source.classify(new SQLException(message, state));
  }

  @Test
  void transientServerStatesAreRetryable() {
    for (String state : new String[] {"40001", "40P01", "53300", "57P01", "57P02", "57P03", "55006", "08P01", "08003"}) {
      EtlException e = classify(state, "boom");
      assertTrue(e.isRetryable(), state + " -> " + e.getMessage());
      assertTrue(e.category().startsWith("source_"), e.category());
    }
  }

  @Test
  void categoriesNameTheCause() {
    assertEquals("source_transaction_conflict", classify("40001", "could not serialize access").category());
    assertEquals("source_too_many_connections", classify("53300", "sorry, too many clients already").category());
    assertEquals("source_object_in_use", classify("55006", "replication slot \"x\" is active for PID 7").category());
    assertEquals("source_unavailable", classify("57P03", "the database system is starting up").category());
    assertEquals("source_error", classify("08P01", "protocol violation").category());
    assertEquals("source_unreachable", classify("08006", "An I/O error occurred").category());
  }

  @Test
  void insufficientPrivilegeIsFatalAndNamesTheUser() {
    EtlException e = classify("42501", "permission denied for table orders");
    assertFalse(e.isRetryable());
    assertEquals("source_permission_denied", e.category());
    assertTrue(e.reason().contains("'app'") && e.reason().contains("permission denied for table orders"), e.reason());
  }

  @Test
  void unknownStatesOutsideConnectionClassAreFatalWithTheState() {
    EtlException e = classify("42P01", "relation \"nope\" does not exist");
    assertFalse(e.isRetryable());
    assertEquals("source_error", e.category());
    assertTrue(e.reason().contains("42P01") && e.reason().contains("db.example:5433"), e.reason());
  }

  @Test
  void unknownHostAndTimeoutAreUnreachable() {
    EtlException unknown = source.classify(new SQLException("The connection attempt failed.", "08001",
        new UnknownHostException("db.example")));
    assertTrue(unknown.isRetryable());
    assertEquals("source_unreachable", unknown.category());
    assertTrue(unknown.reason().contains("unknown host 'db.example'"), unknown.reason());

    EtlException timeout = source.classify(new SocketTimeoutException("connect timed out"));
    assertEquals("source_unreachable", timeout.category());
    assertTrue(timeout.reason().contains("timed out"), timeout.reason());

    assertEquals("source_unreachable", source.classify(new EOFException()).category());
  }

  @Test
  void driverRejectionsAreFatalWhenTheyAreAboutSslOrPasswords() {
    EtlException ssl = classify("08004", "The server does not support SSL.");
    assertFalse(ssl.isRetryable());
    assertEquals("source_tls_unavailable", ssl.category());
    EtlException noPassword =
        classify("08004", "The server requested password-based authentication, but no password was provided.");
    assertEquals("source_auth_failed", noPassword.category());
  }

  @Test
  void destinationSideTalksAboutTheDestination() {
    PostgresErrors destination = new PostgresErrors("destination", "dw", 5432, "dw", "loader", null);
    EtlException e = destination.classify(new SQLException("password authentication failed", "28P01"));
    assertEquals("destination_auth_failed", e.category());
    assertTrue(e.reason().startsWith("The destination PostgreSQL server at dw:5432"), e.reason());
    assertTrue(e.solution().contains("destination password secret"), e.solution());
  }

  @Test
  void reasonsAreOneLineEvenForMultiLineServerMessages() {
    PSQLException multiLine = new PSQLException(new ServerErrorMessage(
        "SERROR\u0000C42P01\u0000Mrelation \"a\"\n  does not exist\u0000DSome detail\u0000HSome hint\u0000"));
    EtlException e = source.classify(multiLine);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.reason().contains("relation \"a\" does not exist"), e.reason());
  }

  @Test
  void aPasswordEchoedByTheDriverIsRedactedAndItsCauseDropped() {
    EtlException e = classify("XX000", "weird failure mentioning " + SECRET);
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains("[redacted]"), e.getMessage());
    assertNull(e.getCause());
  }

  @Test
  void anEtlExceptionPassesThroughUnchanged() {
    EtlException original = EtlException.fatal("x", "y.", "z.", null);
    assertSame(original, source.classify(original));
  }
}
