package io.etl.core.schema;

/** A schema-qualified table name as PostgreSQL spells it (case preserved, unquoted). */
public record TableId(String schema, String name) implements Comparable<TableId> {

  /** The name quoted for use in SQL, e.g. {@code "public"."Order Items"}. */
  public String quoted() {
    return quoteIdentifier(schema) + "." + quoteIdentifier(name);
  }

  public static String quoteIdentifier(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public int compareTo(TableId o) {
    int c = schema.compareTo(o.schema);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
