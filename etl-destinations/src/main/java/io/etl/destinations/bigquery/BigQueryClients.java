package io.etl.destinations.bigquery;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.BigQueryEndpoints;
import io.etl.core.error.EtlException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the two Google clients the destination uses from its config: credentials from a
 * service-account key JSON, or Application Default Credentials when none is configured. The key
 * is never logged or put into a message. With {@code endpoints} the clients talk to those instead
 * of Google's; plain-http endpoints (an emulator) get plaintext gRPC and no credentials at all.
 */
public final class BigQueryClients {
  private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/bigquery");

  private BigQueryClients() {}

  /**
   * @param serviceAccountKeyJson the key file's content, or null for Application Default Credentials
   * @param pipelineId the pipeline writing there: its tables carry it as a label
   */
  public static BigQueryDestination destination(BigQueryConfig config, String serviceAccountKeyJson, String pipelineId) {
    BigQueryEndpoints endpoints = config.endpoints();
    boolean anonymous = endpoints != null && endpoints.plaintext();
    GoogleCredentials credentials = anonymous ? null : credentials(serviceAccountKeyJson);
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder()
        .setProjectId(config.projectId())
        .setLocation(config.location());
    options.setCredentials(anonymous ? NoCredentials.getInstance() : credentials);
    BigQueryWriteSettings.Builder write = BigQueryWriteSettings.newBuilder()
        .setCredentialsProvider(anonymous ? NoCredentialsProvider.create() : FixedCredentialsProvider.create(credentials));
    if (endpoints != null) {
      options.setHost(endpoints.api());
      InstantiatingGrpcChannelProvider.Builder channel = InstantiatingGrpcChannelProvider.newBuilder()
          .setEndpoint(endpoints.storageHostAndPort());
      if (anonymous) {
        channel.setChannelConfigurator(b -> b.usePlaintext());
      }
      write.setEndpoint(endpoints.storageHostAndPort()).setTransportChannelProvider(channel.build());
    }
    BigQuery bigquery = options.build().getService();
    try {
      return new BigQueryDestination(config, bigquery, BigQueryWriteClient.create(write.build()), pipelineId);
    } catch (IOException e) {
      throw EtlException.retryable("destination_unreachable",
          "the BigQuery Storage Write API client could not be set up (" + e.getClass().getSimpleName() + ").", "", e);
    }
  }

  static GoogleCredentials credentials(String serviceAccountKeyJson) {
    GoogleCredentials credentials;
    if (serviceAccountKeyJson == null) {
      try {
        credentials = GoogleCredentials.getApplicationDefault();
      } catch (IOException e) {
        throw EtlException.fatal("destination_auth_failed",
            "destination.bigquery.credentials is not set and no Application Default Credentials were found.",
            "set destination.bigquery.credentials.file to a service-account key file, or give the replicator"
                + " Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or workload identity).",
            null);
      }
    } else {
      try {
        credentials = GoogleCredentials.fromStream(
            new ByteArrayInputStream(serviceAccountKeyJson.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException e) {
        // the parser's message may quote the key: only its class is kept
        throw EtlException.fatal("config_invalid",
            "destination.bigquery.credentials does not hold a Google service-account key JSON ("
                + e.getClass().getSimpleName() + ").",
            "point destination.bigquery.credentials at the JSON key file downloaded for the service account.", null);
      }
    }
    return credentials.createScopedRequired() ? credentials.createScoped(SCOPES) : credentials;
  }
}
