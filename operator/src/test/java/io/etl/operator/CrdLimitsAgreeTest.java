package io.etl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.etl.core.config.BatchConfig;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.HeartbeatConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.Range;
import io.etl.core.config.ResyncRequest;
import io.etl.core.config.RetryConfig;
import io.etl.core.config.TableSyncConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every bounded field of the CRDs' schemas (minimum/maximum, minLength/maxLength) states the
 * limits of the etl-core setting it renders into, which the replicator enforces; so a Pipeline
 * the API server accepts renders a config the replicator accepts, and an edit to either side that
 * the other lacks fails here. The CRDs read are the checked-in ones under deploy/crds, which
 * crds' CrdDriftTest keeps equal to what the model generates.
 */
class CrdLimitsAgreeTest {
  private static final Path CRDS = Path.of("..", "deploy", "crds");

  /** A core limit and how many of the core's units one unit of the CRD field is. */
  private record Core(Range range, long scale) {
    Core(Range range) {
      this(range, 1);
    }
  }

  private static final Map<String, Core> PIPELINE = Map.ofEntries(
      Map.entry("spec.batch.maxEvents", new Core(BatchConfig.MAX_EVENTS)),
      Map.entry("spec.batch.maxFillMs", new Core(BatchConfig.MAX_FILL_MS)),
      Map.entry("spec.tableSync.maxWorkers", new Core(TableSyncConfig.MAX_WORKERS)),
      Map.entry("spec.tableSync.rangesPerTable", new Core(TableSyncConfig.RANGES_PER_TABLE)),
      Map.entry("spec.retry.initialBackoffMs", new Core(RetryConfig.INITIAL_BACKOFF_MS)),
      Map.entry("spec.retry.maxBackoffMs", new Core(RetryConfig.MAX_BACKOFF_MS)),
      // seconds in the CRD, milliseconds in the config the operator renders (× 1000)
      Map.entry("spec.heartbeatIntervalSeconds", new Core(HeartbeatConfig.INTERVAL_MS, 1000)),
      Map.entry("spec.source.port", new Core(PostgresConnectionConfig.PORT)),
      Map.entry("spec.source.host", new Core(PostgresConnectionConfig.HOST_LENGTH)),
      Map.entry("spec.source.database", new Core(PostgresConnectionConfig.NAME_LENGTH)),
      Map.entry("spec.source.user", new Core(PostgresConnectionConfig.NAME_LENGTH)),
      Map.entry("spec.resync[].table", new Core(ResyncRequest.TABLE_LENGTH)),
      Map.entry("spec.resync[].requestId", new Core(ResyncRequest.REQUEST_ID_LENGTH)));

  private static final Map<String, Core> DESTINATION = Map.ofEntries(
      Map.entry("spec.postgres.port", new Core(PostgresConnectionConfig.PORT)),
      Map.entry("spec.postgres.host", new Core(PostgresConnectionConfig.HOST_LENGTH)),
      Map.entry("spec.postgres.database", new Core(PostgresConnectionConfig.NAME_LENGTH)),
      Map.entry("spec.postgres.user", new Core(PostgresConnectionConfig.NAME_LENGTH)),
      Map.entry("spec.bigquery.maxStalenessMinutes", new Core(BigQueryConfig.MAX_STALENESS_MINUTES)),
      Map.entry("spec.bigquery.datasetId", new Core(BigQueryConfig.DATASET_ID_LENGTH)));

  @Test
  void everyBoundedPipelineFieldHasTheCoresLimits() throws IOException {
    assertAgree("pipelines.etl.io.yaml", PIPELINE);
  }

  @Test
  void everyBoundedDestinationFieldHasTheCoresLimits() throws IOException {
    assertAgree("destinations.etl.io.yaml", DESTINATION);
  }

  private static void assertAgree(String file, Map<String, Core> core) throws IOException {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(CRDS.resolve(file).toFile());
    JsonNode spec = crd.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema")
        .path("properties").path("spec");
    Map<String, String> inCrd = new TreeMap<>();
    collectBounds("spec", spec, inCrd);
    Map<String, String> expected = new TreeMap<>();
    core.forEach((field, limit) -> expected.put(field, describe(limit)));
    assertEquals(expected, inCrd, file + ": each bounded field with the core limit of the setting it renders into"
        + " (a new bound in crds/ needs its limit in etl-core's config records and an entry here)");
  }

  private static String describe(Core limit) {
    return limit.range().min() / limit.scale() + ".." + limit.range().max() / limit.scale();
  }

  /** "min..max" of every property with a numeric or a length bound, by its dotted path. */
  private static void collectBounds(String path, JsonNode schema, Map<String, String> out) {
    for (String[] bound : new String[][] {{"minimum", "maximum"}, {"minLength", "maxLength"}}) {
      if (schema.has(bound[0]) || schema.has(bound[1])) {
        out.put(path, text(schema.get(bound[0])) + ".." + text(schema.get(bound[1])));
      }
    }
    schema.path("properties").fields().forEachRemaining(p -> collectBounds(path + "." + p.getKey(), p.getValue(), out));
    if (schema.has("items")) {
      collectBounds(path + "[]", schema.get("items"), out);
    }
    if (schema.path("additionalProperties").isObject()) {
      collectBounds(path + "{}", schema.get("additionalProperties"), out);
    }
  }

  private static String text(JsonNode bound) {
    return bound == null ? "unbounded" : String.valueOf(bound.asLong());
  }
}
