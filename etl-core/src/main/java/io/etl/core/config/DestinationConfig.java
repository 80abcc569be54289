package io.etl.core.config;

import java.util.List;

/**
 * Where the data goes: {@code type} and the one block that matches it.
 *
 * @param type {@code postgres}, {@code bigquery} or {@code memory}
 */
public record DestinationConfig(String type, PostgresConnectionConfig postgres, BigQueryConfig bigquery) {
  public static final List<String> TYPES = List.of("postgres", "bigquery", "memory");

  /** A destination without a BigQuery block. */
  public DestinationConfig(String type, PostgresConnectionConfig postgres) {
    this(type, postgres, null);
  }

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
    if (type.equals("bigquery")) {
      if (bigquery == null) {
        problems.add("destination.bigquery is required when destination.type is bigquery");
      } else {
        bigquery.validate("destination.bigquery", problems);
      }
    } else if (bigquery != null) {
      problems.add("destination.bigquery must not be set when destination.type is " + type);
    }
  }
}
