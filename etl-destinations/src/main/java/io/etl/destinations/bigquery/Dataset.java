package io.etl.destinations.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableConstraints;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import io.etl.core.error.EtlException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replication dataset through the BigQuery API: creating it, reading a table's columns and
 * key, and running GoogleSQL (DDL, TRUNCATE, the few DML statements and queries). Failures come
 * out classified.
 */
final class Dataset {
  private final BigQuery bigquery;
  private final String projectId;
  private final String datasetId;
  private final String location;
  private final BigQueryErrors errors;

  Dataset(BigQuery bigquery, String projectId, String datasetId, String location, BigQueryErrors errors) {
    this.bigquery = bigquery;
    this.projectId = projectId;
    this.datasetId = datasetId;
    this.location = location;
    this.errors = errors;
  }

  /** Checks the dataset exists, creating it when {@code create}; a dataset elsewhere than {@code location} is refused. */
  void ensure(boolean create) {
    com.google.cloud.bigquery.Dataset dataset = call("reading dataset " + datasetId,
        () -> bigquery.getDataset(DatasetId.of(projectId, datasetId)));
    if (dataset == null) {
      if (!create) {
        throw EtlException.fatal("destination_not_found",
            "BigQuery dataset " + projectId + "." + datasetId + " does not exist.",
            "create it (bq mk --location=LOCATION " + projectId + ":" + datasetId + ") or set"
                + " destination.bigquery.createDataset: true.",
            null);
      }
      call("creating dataset " + datasetId,
          () -> bigquery.create(DatasetInfo.newBuilder(projectId, datasetId).setLocation(location).build()));
    } else if (location != null && dataset.getLocation() != null && !dataset.getLocation().equalsIgnoreCase(location)) {
      throw EtlException.fatal("config_invalid",
          "BigQuery dataset " + projectId + "." + datasetId + " is in " + dataset.getLocation()
              + ", but destination.bigquery.location says " + location + ".",
          "set destination.bigquery.location to " + dataset.getLocation() + " (or leave it out).", null);
    }
  }

  String qualified(String table) {
    return BigQueryNames.quoted(projectId + "." + datasetId + "." + table);
  }

  /** The table as BigQuery has it, or empty when it does not exist. */
  Optional<BigQueryTable> table(String name) {
    Table table = call("reading table " + name, () -> bigquery.getTable(TableId.of(projectId, datasetId, name)));
    if (table == null) {
      return Optional.empty();
    }
    Map<String, String> columns = new LinkedHashMap<>();
    Schema schema = table.<StandardTableDefinition>getDefinition().getSchema();
    if (schema != null) {
      for (Field field : schema.getFields()) {
        String type = field.getType().getStandardType().name();
        columns.put(field.getName(), field.getMode() == Field.Mode.REPEATED ? "ARRAY<" + type + ">" : type);
      }
    }
    TableConstraints constraints = table.getTableConstraints();
    List<String> key = constraints == null || constraints.getPrimaryKey() == null
        ? List.of() : constraints.getPrimaryKey().getColumns();
    return Optional.of(new BigQueryTable(name, columns, key));
  }

  /** The table's labels; empty when it has none or does not exist. */
  Map<String, String> labels(String name) {
    Table table = call("reading table " + name, () -> bigquery.getTable(TableId.of(projectId, datasetId, name)));
    return table == null || table.getLabels() == null ? Map.of() : table.getLabels();
  }

  /** Runs one GoogleSQL statement and waits for it. */
  TableResult run(String sql, String action) {
    return run(sql, Map.of(), action);
  }

  TableResult run(String sql, Map<String, QueryParameterValue> parameters, String action) {
    QueryJobConfiguration.Builder query = QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false);
    parameters.forEach(query::addNamedParameter);
    return call(action, () -> bigquery.query(query.build()));
  }

  static Optional<FieldValueList> first(TableResult result) {
    var it = result.iterateAll().iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws InterruptedException;
  }

  private <T> T call(String action, Call<T> call) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EtlException.retryable("interrupted", "interrupted while " + action + ".", "", e);
    } catch (BigQueryException e) {
      throw errors.classify(e, action);
    }
  }
}
