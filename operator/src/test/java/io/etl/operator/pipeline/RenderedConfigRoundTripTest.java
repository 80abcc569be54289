package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.etl.api.v1alpha1.BatchSpec;
import io.etl.api.v1alpha1.BigQueryTarget;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.LogLevel;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.ReplicatorPodSpec;
import io.etl.api.v1alpha1.RetrySpec;
import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.api.v1alpha1.TableSyncSpec;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineConfigYaml;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CR → etl-core records → YAML → the replicator's reading of it gives the records back: what the
 * operator renders is exactly what the replicator runs with, every setting of the CR included.
 * {@link PipelineConfigYaml#read} and {@link PipelineConfig#problems()} are what the replicator's
 * ConfigLoader does (it adds only the translation of errors into one line).
 */
class RenderedConfigRoundTripTest {

  /** A Pipeline with every setting the CRD has for the replicator's config. */
  static Pipeline everySettingSet() {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    var spec = p.getSpec();
    spec.source.port = 6432;
    spec.source.caSecretRef = new SecretKeyRef("src-ca", "ca.crt");
    spec.batch = new BatchSpec();
    spec.batch.maxEvents = 1_000_000;
    spec.batch.maxFillMs = 250;
    spec.tableSync = new TableSyncSpec();
    spec.tableSync.maxWorkers = 8;
    spec.tableSync.rangesPerTable = 16;
    spec.retry = new RetrySpec();
    spec.retry.initialBackoffMs = 200L;
    spec.retry.maxBackoffMs = 60_000L;
    spec.heartbeatIntervalSeconds = 3600;
    spec.replicator = new ReplicatorPodSpec();
    spec.replicator.logLevel = LogLevel.DEBUG;
    return p;
  }

  @Test
  void crToRecordsToYamlToTheReplicatorsReadingGivesEqualRecords() throws Exception {
    Pipeline p = everySettingSet();
    Destination d = ReplicatorRenderingTest.destination();
    SecretWiring wiring = SecretWiring.of(p, d);
    PipelineConfig rendered = ReplicatorConfig.config(p, d, wiring);
    String yaml = ReplicatorConfig.render(p, d, wiring);

    PipelineConfig read = PipelineConfigYaml.read(yaml);
    assertEquals(rendered, read, yaml);
    assertEquals(List.of(), read.problems(), yaml);
    // the CR's values, not defaults, arrived
    assertEquals(1_000_000, read.batch().maxEvents());
    assertEquals(250, read.batch().maxFillMs());
    assertEquals(8, read.tableSync().maxWorkers());
    assertEquals(16, read.tableSync().rangesPerTable());
    assertEquals(200L, read.retry().initialBackoffMs());
    assertEquals(60_000L, read.retry().maxBackoffMs());
    assertEquals(3_600_000L, read.heartbeat().intervalMs());
    assertEquals(LogLevel.DEBUG.value(), read.log().level());
    assertEquals(6432, read.source().port());
    assertEquals("verify-full", read.source().sslMode());
    assertEquals(wiring.filePath("source-ca"), read.source().sslRootCert());
  }

  @Test
  void aBigQueryDestinationRoundTripsToo() throws Exception {
    Pipeline p = everySettingSet();
    Destination d = ReplicatorRenderingTest.destination();
    d.getSpec().type = DestinationType.BIGQUERY;
    d.getSpec().postgres = null;
    d.getSpec().bigquery = new BigQueryTarget();
    d.getSpec().bigquery.projectId = "acme-analytics";
    d.getSpec().bigquery.datasetId = "shop";
    d.getSpec().bigquery.location = "EU";
    d.getSpec().bigquery.createDataset = true;
    d.getSpec().bigquery.credentialsSecretRef = new SecretKeyRef("bq-key", "key.json");
    SecretWiring wiring = SecretWiring.of(p, d);

    String yaml = ReplicatorConfig.render(p, d, wiring);
    PipelineConfig read = PipelineConfigYaml.read(yaml);
    assertEquals(ReplicatorConfig.config(p, d, wiring), read, yaml);
    assertEquals(List.of(), read.problems(), yaml);
  }

  @Test
  void theRenderedYamlNamesNoSecretOnlyWhereEachLives() {
    Pipeline p = everySettingSet();
    Destination d = ReplicatorRenderingTest.destination();
    String yaml = ReplicatorConfig.render(p, d, SecretWiring.of(p, d));
    for (String secretName : List.of("src-secret", "dst-secret", "src-ca")) {
      assertFalse(yaml.contains(secretName), secretName + " in " + yaml);
    }
    assertEquals(2, yaml.split("env: ", -1).length - 1, "two passwords, each an environment variable: " + yaml);
  }
}
