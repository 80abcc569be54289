package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.core.testing.ImageRun;
import io.etl.core.testing.OciImageTar;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the replicator image this build made (target/jib-image.tar, the same Jib configuration
 * as {@code -Pjib} on the local jlink base) from its own entrypoint, JRE, classpath file and
 * user ({@link ImageRun}), as the Deployment's pod runs it: a missing jar or JDK module in the
 * image fails here rather than in a user's cluster.
 */
class ImageEntrypointIT {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");
  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    ItemsTable.create(source);
  }

  @AfterAll
  static void stopServers() {
    source.close();
    destination.close();
  }

  @Test
  void entrypointRunsAPipelineAsTheImageUserAndServesMetrics() throws Exception {
    String whyNot = ImageRun.whyNot();
    assumeTrue(whyNot == null, "skipped: " + whyNot);
    assertTrue(Files.isRegularFile(IMAGE), IMAGE.toAbsolutePath() + " is built by this module's package phase");
    Path rootfs = dir.resolve("rootfs");
    OciImageTar.unpack(IMAGE, rootfs);
    JsonNode config = OciImageTar.config(IMAGE);
    // where the operator's Deployment mounts the rendered ConfigMap
    Path pipelineYaml = rootfs.resolve("etc/etl/pipeline.yaml");
    Files.createDirectories(pipelineYaml.getParent());
    Files.writeString(pipelineYaml,
        TestPipelineConfig.postgresToPostgres("image_run", ItemsTable.PUBLICATION, source, destination).yaml());

    try (ShellCommand replicator = ImageRun.start(rootfs, config, List.of("/etc/etl/pipeline.yaml"),
        TestPipelineConfig.PASSWORDS, Path.of("target", "image-run", "replicator.log").toAbsolutePath())) {
      LoggedEndpoints endpoints = LoggedEndpoints.of(replicator);
      endpoints.awaitReady();
      ItemsTable.assertCopiedThenStreams(source, destination);
      Map<String, Double> metrics = endpoints.metrics();
      assertEquals((double) ItemsTable.COPIED, metrics.get("etl_rows_copied_total{table=\"public.items\"}"), metrics.toString());
      assertTrue(metrics.get("etl_events_applied_total") >= ItemsTable.CHANGES, metrics.toString());
      assertEquals(200, endpoints.get("/healthz").statusCode());
      replicator.signal("TERM");
      assertEquals(0, replicator.waitFor(Duration.ofMinutes(1)), "SIGTERM stops it cleanly: " + replicator.output());
    }
  }
}
