package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

public enum LogLevel {
  TRACE, DEBUG, INFO, WARN, ERROR;

  @JsonValue
  public String value() {
    return name().toLowerCase();
  }
}
