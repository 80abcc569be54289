package io.etl.destinations.bigquery;

import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The BigQuery table a source table is replicated into. Every column is NULLABLE (a DELETE record
 * carries only the key, and BigQuery cannot add a REQUIRED column later); the source's primary key
 * becomes a {@code PRIMARY KEY ... NOT ENFORCED}, which makes BigQuery apply CDC records to it, with
 * the configured {@code max_staleness}. A table without a primary key is append-only.
 */
final class TableDefinition {
  private TableDefinition() {}

  static BigQueryTable of(TableSchema schema, TypeMapping mapping) {
    Map<String, String> columns = new LinkedHashMap<>();
    List<String> key = new ArrayList<>();
    for (ColumnSchema column : schema.columns()) {
      columns.put(BigQueryNames.column(schema, column), mapping.map(column).ddl());
      if (column.primaryKey()) {
        key.add(column.name());
      }
    }
    return new BigQueryTable(BigQueryNames.table(schema.id()), columns, key);
  }

  /**
   * @param qualified the table as {@code `project.dataset.table`}
   * @param maxStalenessMinutes 0 for none: queries merge pending changes themselves
   */
  /** The label that names the pipeline which created a table; only such tables are ever dropped or emptied. */
  static final String OWNER_LABEL = "etl-pipeline";

  /**
   * @param pipelineId the creating pipeline, as label {@value #OWNER_LABEL} (pipeline ids are valid label values);
   *     null for the positions table, which the pipelines of a dataset share
   */
  static String createStatement(String qualified, BigQueryTable table, int maxStalenessMinutes, String pipelineId) {
    List<String> parts = new ArrayList<>();
    table.columns().forEach((name, type) -> parts.add(BigQueryNames.quoted(name) + " " + type));
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualified).append(" (")
        .append(String.join(", ", parts));
    if (table.keyed()) {
      sql.append(", PRIMARY KEY (")
          .append(table.keyColumns().stream().map(BigQueryNames::quoted).collect(Collectors.joining(", ")))
          .append(") NOT ENFORCED");
    }
    sql.append(")");
    List<String> options = new ArrayList<>();
    if (table.keyed() && maxStalenessMinutes > 0) {
      options.add("max_staleness = " + maxStaleness(maxStalenessMinutes));
    }
    if (pipelineId != null) {
      options.add("labels = [(\"" + OWNER_LABEL + "\", \"" + pipelineId + "\")]");
    }
    if (!options.isEmpty()) {
      sql.append(" OPTIONS (").append(String.join(", ", options)).append(")");
    }
    return sql.toString();
  }

  /** An INTERVAL literal of the form BigQuery documents for max_staleness. */
  static String maxStaleness(int minutes) {
    return "INTERVAL '0-0 0 " + (minutes / 60) + ":" + (minutes % 60) + ":0' YEAR TO SECOND";
  }
}
