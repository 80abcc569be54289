package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import io.etl.core.config.BigQueryConfig;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A BigQuery to run integration tests against, from the environment: real BigQuery when
 * GOOGLE_APPLICATION_CREDENTIALS and ETL_BIGQUERY_TEST_PROJECT are set, or an emulator when
 * ETL_BIGQUERY_EMULATOR names its {@code host:httpPort:grpcPort}. Without either the test is
 * skipped, and says why.
 */
final class LiveBigQuery implements AutoCloseable {
  static final String CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS";
  static final String PROJECT = "ETL_BIGQUERY_TEST_PROJECT";
  static final String LOCATION = "ETL_BIGQUERY_TEST_LOCATION";
  static final String EMULATOR = "ETL_BIGQUERY_EMULATOR";

  final BigQueryConfig config;
  private final String emulator;
  private BigQuery bigquery;

  private LiveBigQuery(BigQueryConfig config, String emulator) {
    this.config = config;
    this.emulator = emulator;
  }

  /** Skips the calling test unless a BigQuery is configured; each call names a fresh dataset. */
  static LiveBigQuery fromEnvironment(String datasetPrefix) {
    Map<String, String> env = System.getenv();
    String emulator = env.get(EMULATOR);
    String project = env.get(PROJECT);
    boolean real = env.get(CREDENTIALS) != null && project != null;
    assumeTrue(real || emulator != null,
        "no BigQuery to test against: set " + CREDENTIALS + " (a service-account key file) and " + PROJECT
            + " (a project where it may create datasets; " + LOCATION + " optional, default US), or " + EMULATOR
            + "=host:httpPort:grpcPort for a BigQuery emulator");
    String dataset = datasetPrefix + "_" + Long.toHexString(System.nanoTime());
    String location = env.getOrDefault(LOCATION, "US");
    return new LiveBigQuery(
        new BigQueryConfig(real ? project : env.getOrDefault(PROJECT, "etl-test"), dataset, location, 0, true, null),
        real ? null : emulator);
  }

  boolean emulated() {
    return emulator != null;
  }

  /** The rows {@code sql} returns, each as its values joined by '|' (NULL as "null"). */
  List<String> query(String sql) throws IOException, InterruptedException {
    List<String> rows = new ArrayList<>();
    for (FieldValueList row : bigquery().query(QueryJobConfiguration.newBuilder(sql).build()).iterateAll()) {
      List<String> values = new ArrayList<>();
      for (FieldValue value : row) {
        values.add(value.isNull() ? "null" : value.getStringValue());
      }
      rows.add(String.join("|", values));
    }
    return rows;
  }

  /** Drops the test's dataset with everything in it. */
  @Override
  public void close() throws IOException {
    bigquery().delete(DatasetId.of(config.projectId(), config.datasetId()), BigQuery.DatasetDeleteOption.deleteContents());
  }

  BigQuery bigquery() throws IOException {
    if (bigquery == null) {
      bigquery = newBigQuery();
    }
    return bigquery;
  }

  private BigQuery newBigQuery() throws IOException {
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setProjectId(config.projectId()).setLocation(config.location());
    if (emulated()) {
      String[] parts = emulator.split(":");
      options.setHost("http://" + parts[0] + ":" + parts[1]).setCredentials(NoCredentials.getInstance());
    } else {
      options.setCredentials(GoogleCredentials.getApplicationDefault());
    }
    return options.build().getService();
  }

  BigQueryWriteClient writeClient() throws IOException {
    if (!emulated()) {
      return BigQueryWriteClient.create();
    }
    String[] parts = emulator.split(":");
    return BigQueryWriteClient.create(BigQueryWriteSettings.newBuilder()
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
            .setEndpoint(parts[0] + ":" + parts[2])
            .setChannelConfigurator(b -> b.usePlaintext())
            .build())
        .build());
  }

  BigQueryDestination destination() throws IOException {
    return new BigQueryDestination(config, newBigQuery(), writeClient(), "etl_live_test");
  }
}
