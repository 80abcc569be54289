package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

/** libpq's sslmode. */
public enum SslMode {
  DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

  @JsonValue
  public String value() {
    return name().toLowerCase().replace('_', '-');
  }
}
