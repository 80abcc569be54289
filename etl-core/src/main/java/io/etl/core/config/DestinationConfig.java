package io.etl.core.config;

import java.util.List;

/**
 * Where the data goes: {@code type} and the one block that matches it.
 *
 * @param type {@code postgres} or {@code memory}
 */
public record DestinationConfig(String type, PostgresConnectionConfig postgres) {
  public static final List<String> TYPES = List.of("postgres", "memory");

  public void validate(List<String> problems) {
    if (type == null || !TYPES.contains(type)) {
      problems.add("destination.type must be one of " + TYPES + ", got " + (type == null ? "nothing" : "'" + type + "'"));
      return;
    }
    if (type.equals("postgres")) {
      if (postgres == null) {
        problems.add("destination.postgres is required when destination.type is postgres");
      } else {
        postgres.validate("destination.postgres", problems);
      }
    } else if (postgres != null) {
      problems.add("destination.postgres must not be set when destination.type is " + type);
    }
  }
}
