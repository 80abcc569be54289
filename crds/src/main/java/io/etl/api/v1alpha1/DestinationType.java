package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;

public enum DestinationType {
  POSTGRES, BIGQUERY;

  @JsonValue
  public String value() {
    return name().toLowerCase();
  }
}
