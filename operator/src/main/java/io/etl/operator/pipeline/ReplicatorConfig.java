package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.BigQueryTarget;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineSpec;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.BatchConfig;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.HeartbeatConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.config.LogConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineConfigYaml;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.ReplicationConfig;
import io.etl.core.config.ResyncRequest;
import io.etl.core.config.RetryConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.config.TableSyncConfig;
import io.etl.operator.support.EndpointConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Renders the replicator's pipeline.yaml from a Pipeline and its Destination: builds etl-core's
 * {@link PipelineConfig} records and writes them with {@link PipelineConfigYaml}, the mapping the
 * replicator's loader reads, so no key is spelled here. Secrets appear only as the variable or
 * file that holds them.
 */
public final class ReplicatorConfig {
  public static final int HTTP_PORT = 9187;
  public static final int ADMIN_PORT = AdminHttpConfig.DEFAULT_PORT;
  public static final String SPOOL_DIRECTORY = "/tmp/etl-spool";

  private ReplicatorConfig() {}

  /** The replicator's pipeline.yaml: {@link #config} written by the mapping the replicator reads it with. */
  public static String render(Pipeline pipeline, Destination destination, SecretWiring secrets) {
    return PipelineConfigYaml.write(config(pipeline, destination, secrets));
  }

  /**
   * The Pipeline and its Destination as etl-core's config records. What the CR leaves unset stays
   * unset here, so the record's default applies, and is written out: the ConfigMap shows every
   * setting in force.
   */
  public static PipelineConfig config(Pipeline pipeline, Destination destination, SecretWiring secrets) {
    PipelineSpec spec = pipeline.getSpec();
    String level = spec.replicator != null && spec.replicator.logLevel != null ? spec.replicator.logLevel.value() : null;
    return PipelineConfig.builder()
        .pipeline(pipeline.pipelineId(), spec.publication)
        .source(endpoint(spec.source, SecretWiring.SOURCE_PASSWORD_ENV, secrets.filePath("source-ca")))
        .destination(destination(destination, secrets))
        .batch(spec.batch == null ? null
            : BatchConfig.builder().maxEvents(spec.batch.maxEvents).maxFillMs(spec.batch.maxFillMs).build())
        .tableSync(spec.tableSync == null ? null
            : TableSyncConfig.builder().maxWorkers(spec.tableSync.maxWorkers).rangesPerTable(spec.tableSync.rangesPerTable)
                .build())
        .retry(spec.retry == null ? null : new RetryConfig(spec.retry.initialBackoffMs, spec.retry.maxBackoffMs, null))
        .heartbeat(spec.heartbeatIntervalSeconds == null ? null : new HeartbeatConfig(spec.heartbeatIntervalSeconds * 1000L))
        // the admin port (/status, table retries) stays on loopback: reached with kubectl port-forward,
        // which RBAC guards, so no token has to be made, stored and handed out
        .http(new HttpConfig(HTTP_PORT, "0.0.0.0", new AdminHttpConfig(ADMIN_PORT, AdminHttpConfig.LOOPBACK, null)))
        .log(new LogConfig(level, "json"))
        .replication(new ReplicationConfig(null, SPOOL_DIRECTORY))
        // in the config, so a new request changes the config hash and rolls the pod: the replicator
        // performs requests at start-up, each requestId once (it records them in the source)
        .resync(spec.resync == null ? null
            : spec.resync.stream().map(r -> new ResyncRequest(r.table, r.requestId)).toList())
        .build();
  }

  /** First 16 hex digits of the SHA-256 of everything that shapes the pod; a change rolls it. */
  public static String hash(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DestinationConfig destination(Destination destination, SecretWiring secrets) {
    var spec = destination.getSpec();
    if (spec.type == DestinationType.BIGQUERY) {
      BigQueryTarget bq = spec.bigquery;
      String key = secrets.filePath("bigquery-credentials");
      return new DestinationConfig("bigquery", null, BigQueryConfig.builder()
          .projectId(bq.projectId).datasetId(bq.datasetId).location(bq.location)
          .maxStalenessMinutes(bq.maxStalenessMinutes).createDataset(bq.createDataset)
          .credentials(key == null ? null : new SecretRef(null, key))
          .build());
    }
    return new DestinationConfig("postgres",
        endpoint(spec.postgres, SecretWiring.DESTINATION_PASSWORD_ENV, secrets.filePath("destination-ca")));
  }

  private static PostgresConnectionConfig endpoint(PostgresEndpoint endpoint, String passwordEnv, String caFile) {
    // an unset sslMode gets the model's default, written out
    return EndpointConfig.of(endpoint, endpoint.passwordSecretRef == null ? null : new SecretRef(passwordEnv, null), caFile);
  }
}
