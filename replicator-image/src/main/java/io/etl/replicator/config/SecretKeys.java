package io.etl.replicator.config;

import io.etl.core.config.PipelineConfig;
import io.etl.core.config.SecretRef;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * Which keys of the pipeline YAML hold a secret: those the config records type as {@link SecretRef}
 * ({@code source.password}, {@code destination.bigquery.credentials}, …), read from the records
 * themselves so a new secret key is covered without a list to keep up to date. Whatever a user
 * wrote under such a key may be the secret itself, so error messages never repeat it.
 */
final class SecretKeys {
  private SecretKeys() {}

  /** True when {@code path} (key names from the top) is a secret key or lies inside one. */
  static boolean within(List<String> path) {
    Class<?> type = PipelineConfig.class;
    for (String name : path) {
      if (type == SecretRef.class) {
        return true;
      }
      type = componentType(type, name);
      if (type == null) {
        return false;
      }
    }
    return type == SecretRef.class;
  }

  private static Class<?> componentType(Class<?> record, String name) {
    if (!record.isRecord()) {
      return null;
    }
    for (RecordComponent component : record.getRecordComponents()) {
      if (component.getName().equals(name)) {
        return component.getType();
      }
    }
    return null;
  }
}
