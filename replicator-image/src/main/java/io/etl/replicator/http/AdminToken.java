package io.etl.replicator.http;

import io.etl.core.config.AdminHttpConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The bearer token the admin port asks for, or none (loopback only; {@link AdminHttpConfig}
 * refuses a wider address without one). Read once at start-up; never logged or echoed.
 */
final class AdminToken {
  static final AdminToken NONE = new AdminToken(null);
  static final String TOKEN_FIELD = "http.admin.token";
  private static final String BEARER = "Bearer ";

  private final byte[] token;

  private AdminToken(byte[] token) {
    this.token = token;
  }

  /** Reads the token, which SecretCheck has checked at start-up. */
  static AdminToken of(AdminHttpConfig config, Map<String, String> env) {
    if (config.token() == null) {
      return NONE;
    }
    return new AdminToken(config.token().resolve(TOKEN_FIELD, env).strip().getBytes(StandardCharsets.UTF_8));
  }

  boolean required() {
    return token != null;
  }

  /** Whether {@code authorization} (the request's header, may be null) carries the token. */
  boolean admits(String authorization) {
    if (token == null) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
    // constant time: how much of a guess matched must not show in how long the answer takes
    return MessageDigest.isEqual(token, presented);
  }
}
