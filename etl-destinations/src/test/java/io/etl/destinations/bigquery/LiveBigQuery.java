package io.etl.destinations.bigquery;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.BigQueryEndpoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The BigQuery the integration tests run against, from the environment:
 *
 * <ul>
 *   <li>the real service when GOOGLE_APPLICATION_CREDENTIALS and ETL_BIGQUERY_TEST_PROJECT are set;
 *   <li>an emulator of one's own when ETL_BIGQUERY_EMULATOR names its {@code host:httpPort:grpcPort};
 *   <li>otherwise the bundled emulator ({@link BigQueryEmulator}), provisioned and started here.
 * </ul>
 *
 * The destination is always built by {@link BigQueryClients}, as the replicator builds it; an
 * emulator is reached through the {@code endpoints} setting. Assertions on what only the real
 * service does (applying CDC records by primary key) check {@link #emulated()}.
 */
final class LiveBigQuery implements AutoCloseable {
  static final String CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS";
  static final String PROJECT = "ETL_BIGQUERY_TEST_PROJECT";
  static final String LOCATION = "ETL_BIGQUERY_TEST_LOCATION";
  static final String EMULATOR = "ETL_BIGQUERY_EMULATOR";
  static final String EMULATOR_PROJECT = "etl-test";
  static final String PIPELINE_ID = "etl_live_test";

  final BigQueryConfig config;
  private BigQuery bigquery;

  private LiveBigQuery(BigQueryConfig config) {
    this.config = config;
  }

  /** Each call names a fresh dataset, which {@link #close()} drops. */
  static LiveBigQuery fromEnvironment(String datasetPrefix) {
    Map<String, String> env = System.getenv();
    String dataset = datasetPrefix + "_" + Long.toHexString(System.nanoTime());
    String location = env.getOrDefault(LOCATION, "US");
    if (env.get(CREDENTIALS) != null && env.get(PROJECT) != null) {
      return new LiveBigQuery(new BigQueryConfig(env.get(PROJECT), dataset, location, 0, true, null, null));
    }
    BigQueryEndpoints endpoints;
    if (env.get(EMULATOR) != null) {
      String[] parts = env.get(EMULATOR).split(":");
      endpoints = new BigQueryEndpoints("http://" + parts[0] + ":" + parts[1], "http://" + parts[0] + ":" + parts[2]);
    } else {
      endpoints = BigQueryEmulator.shared().endpoints;
    }
    return new LiveBigQuery(new BigQueryConfig(EMULATOR_PROJECT, dataset, location, 0, true, null, endpoints));
  }

  boolean emulated() {
    return config.endpoints() != null;
  }

  String qualified(String table) {
    return "`" + config.projectId() + "." + config.datasetId() + "." + table + "`";
  }

  /** The rows {@code sql} returns, each as its values joined by '|' (NULL as "null"). */
  List<String> query(String sql) throws IOException, InterruptedException {
    List<String> rows = new ArrayList<>();
    for (FieldValueList row : bigquery().query(QueryJobConfiguration.newBuilder(sql).build()).iterateAll()) {
      List<String> values = new ArrayList<>();
      for (FieldValue value : row) {
        values.add(value.isNull() ? "null" : value.getAttribute() == FieldValue.Attribute.REPEATED
            ? value.getRepeatedValue().stream().map(FieldValue::getStringValue).toList().toString()
            : value.getStringValue());
      }
      rows.add(String.join("|", values));
    }
    return rows;
  }

  /**
   * The rows sorted, numbers without trailing zeros: the emulator prints NUMERIC 1.5 as 1.500, where
   * BigQuery prints 1.5.
   */
  static List<String> normalized(List<String> rows) {
    return rows.stream()
        .map(row -> row.replaceAll("(\\d+\\.\\d*?)0+(?=[|,\\]]|$)", "$1").replaceAll("(\\d)\\.(?=[|,\\]]|$)", "$1"))
        .sorted().toList();
  }

  /** Drops the test's dataset with everything in it. */
  @Override
  public void close() throws IOException {
    bigquery().delete(DatasetId.of(config.projectId(), config.datasetId()), BigQuery.DatasetDeleteOption.deleteContents());
  }

  /** A BigQuery API client of the test's own, for reading back and for changing tables behind the destination. */
  BigQuery bigquery() throws IOException {
    if (bigquery == null) {
      BigQueryOptions.Builder options = BigQueryOptions.newBuilder()
          .setProjectId(config.projectId()).setLocation(config.location());
      if (emulated()) {
        options.setHost(config.endpoints().api()).setCredentials(NoCredentials.getInstance());
      } else {
        options.setCredentials(GoogleCredentials.getApplicationDefault());
      }
      bigquery = options.build().getService();
    }
    return bigquery;
  }

  BigQueryDestination destination() {
    return destination(PIPELINE_ID);
  }

  /** The destination as the replicator builds it, for the pipeline {@code pipelineId}. */
  BigQueryDestination destination(String pipelineId) {
    return BigQueryClients.destination(config, null, pipelineId);
  }
}
