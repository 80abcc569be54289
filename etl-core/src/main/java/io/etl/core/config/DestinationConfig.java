package io.etl.core.config;

import java.util.List;

/**
 * Where the data goes: {@code type} and the one block that matches it.
 *
 * @param type {@code postgres}, {@code bigquery}, {@code memory} (for tests) or {@code discard} (keeps
 *     nothing, for benchmarks)
 * @param unmatchedChanges what an UPDATE or DELETE that matches no destination row does:
 *     {@code count} (the default: counted per table, a warning once per table) or {@code error}
 *     (the table goes errored and waits for a retry, which copies it again). PostgreSQL and memory
 *     destinations tell; BigQuery applies changes by key without saying whether a row matched.
 */
public record DestinationConfig(String type, PostgresConnectionConfig postgres, BigQueryConfig bigquery,
    String unmatchedChanges) {
  public static final List<String> TYPES = List.of("postgres", "bigquery", "memory", "discard");
  public static final List<String> UNMATCHED_CHANGES = List.of("count", "error");

  public DestinationConfig {
    unmatchedChanges = unmatchedChanges == null ? "count" : unmatchedChanges;
  }

  /** A destination whose unmatched changes are counted. */
  public DestinationConfig(String type, PostgresConnectionConfig postgres, BigQueryConfig bigquery) {
    this(type, postgres, bigquery, null);
  }

  /** A destination without a BigQuery block. */
  public DestinationConfig(String type, PostgresConnectionConfig postgres) {
    this(type, postgres, null, null);
  }

  /** Whether a change that matches no destination row errors its table. */
  public boolean errorOnUnmatchedChanges() {
    return unmatchedChanges.equals("error");
  }

  public void validate(List<String> problems) {
    if (!UNMATCHED_CHANGES.contains(unmatchedChanges)) {
      problems.add("destination.unmatchedChanges must be one of " + UNMATCHED_CHANGES + ", got '" + unmatchedChanges + "'");
    }
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
