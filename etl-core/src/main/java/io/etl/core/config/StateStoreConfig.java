package io.etl.core.config;

import java.util.List;

/** @param type {@code postgres} (schema {@code etl} in the source database, the default) or {@code memory} */
public record StateStoreConfig(String type) {
  public static final StateStoreConfig DEFAULT = new StateStoreConfig(null);

  public StateStoreConfig {
    type = type == null ? "postgres" : type;
  }

  public void validate(List<String> problems) {
    if (!type.equals("postgres") && !type.equals("memory")) {
      problems.add("stateStore.type must be 'postgres' or 'memory', got '" + type + "'");
    }
  }
}
