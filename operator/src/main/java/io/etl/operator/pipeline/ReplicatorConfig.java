package io.etl.operator.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.etl.api.v1alpha1.BigQueryTarget;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineSpec;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.etl.operator.support.EndpointConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the replicator's pipeline.yaml from a Pipeline and its Destination, in the shape
 * etl-core's PipelineConfig reads. Secrets appear only as the variable or file that holds them.
 */
public final class ReplicatorConfig {
  public static final int HTTP_PORT = 9187;
  public static final int ADMIN_PORT = AdminHttpConfig.DEFAULT_PORT;
  public static final String SPOOL_DIRECTORY = "/tmp/etl-spool";
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private ReplicatorConfig() {}

  public static String render(Pipeline pipeline, Destination destination, SecretWiring secrets) {
    PipelineSpec spec = pipeline.getSpec();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("pipeline", ordered("id", pipeline.pipelineId(), "publication", spec.publication));
    config.put("source", endpoint(spec.source, SecretWiring.SOURCE_PASSWORD_ENV, secrets.filePath("source-ca")));
    config.put("destination", destination(destination, secrets));
    if (spec.batch != null) {
      config.put("batch", ordered("maxEvents", spec.batch.maxEvents, "maxFillMs", spec.batch.maxFillMs));
    }
    if (spec.tableSync != null) {
      config.put("tableSync", ordered("maxWorkers", spec.tableSync.maxWorkers, "rangesPerTable", spec.tableSync.rangesPerTable));
    }
    if (spec.retry != null) {
      config.put("retry", ordered("initialBackoffMs", spec.retry.initialBackoffMs, "maxBackoffMs", spec.retry.maxBackoffMs));
    }
    if (spec.heartbeatIntervalSeconds != null) {
      config.put("heartbeat", ordered("intervalMs", spec.heartbeatIntervalSeconds * 1000L));
    }
    // the admin port (/status, table retries) stays on loopback: reached with kubectl port-forward,
    // which RBAC guards, so no token has to be made, stored and handed out
    config.put("http", ordered("port", HTTP_PORT, "bindAddress", "0.0.0.0",
        "admin", ordered("port", ADMIN_PORT, "bindAddress", AdminHttpConfig.LOOPBACK)));
    String level = spec.replicator != null && spec.replicator.logLevel != null ? spec.replicator.logLevel.value() : "info";
    config.put("log", ordered("level", level, "format", "json"));
    config.put("replication", ordered("spoolDirectory", SPOOL_DIRECTORY));
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the replicator config", e);
    }
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

  private static Map<String, Object> destination(Destination destination, SecretWiring secrets) {
    var spec = destination.getSpec();
    if (spec.type == DestinationType.BIGQUERY) {
      BigQueryTarget bq = spec.bigquery;
      Map<String, Object> block = ordered("projectId", bq.projectId, "datasetId", bq.datasetId, "location", bq.location,
          "maxStalenessMinutes", bq.maxStalenessMinutes, "createDataset", bq.createDataset);
      String key = secrets.filePath("bigquery-credentials");
      if (key != null) {
        block.put("credentials", ordered("file", key));
      }
      return ordered("type", "bigquery", "bigquery", block);
    }
    return ordered("type", "postgres", "postgres",
        endpoint(spec.postgres, SecretWiring.DESTINATION_PASSWORD_ENV, secrets.filePath("destination-ca")));
  }

  private static Map<String, Object> endpoint(PostgresEndpoint endpoint, String passwordEnv, String caFile) {
    // through the config record, so an unset sslMode gets the model's default, written out
    PostgresConnectionConfig c = EndpointConfig.of(endpoint,
        endpoint.passwordSecretRef == null ? null : new SecretRef(passwordEnv, null), caFile);
    Map<String, Object> block = ordered("host", c.host(), "port", c.port(), "database", c.database(), "user", c.user());
    if (c.password() != null) {
      block.put("password", ordered("env", c.password().env()));
    }
    block.put("sslMode", c.sslMode());
    if (c.sslRootCert() != null) {
      block.put("sslRootCert", c.sslRootCert());
    }
    return block;
  }

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        map.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return map;
  }
}
