package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.core.testing.OciImageTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the image Jib wrote to target/jib-image.tar (OCI layout). Building it needs the {@code
 * jib} profile (see README), so without it this test is skipped and says so.
 */
class JibImageTest {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");

  @Test
  void imageRunsTheReplicatorAsNonRootAndExposesTheMetricsPort() throws IOException {
    assumeTrue(
        Files.isRegularFile(IMAGE),
        "skipped: " + IMAGE.toAbsolutePath() + " not built; the module's test build makes it before this test runs"
            + " (process-test-classes), so this runs only when the test is started another way, e.g. from an IDE");
    JsonNode config = OciImageTar.config(IMAGE);
    assertEquals("65532:65532", config.get("User").asText());
    assertTrue(config.get("ExposedPorts").has("9187/tcp"), config.toString());
    List<String> entrypoint = OciImageTar.strings(config.get("Entrypoint"));
    assertEquals("io.etl.replicator.Main", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertTrue(OciImageTar.strings(config.get("Env")).stream().anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin")),
        "java on the PATH: " + config.get("Env"));
  }
}
