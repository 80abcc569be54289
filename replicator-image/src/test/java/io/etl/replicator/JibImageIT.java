package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.core.testing.OciImageTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the image Jib wrote to target/jib-image.tar (OCI layout) at this module's package phase, on
 * the local jlink base (the {@code jib} profile builds the same image on the public JRE base).
 */
class JibImageIT {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");

  @Test
  void imageRunsTheReplicatorAsNonRootAndExposesTheMetricsPort() throws IOException {
    assertTrue(Files.isRegularFile(IMAGE), IMAGE.toAbsolutePath() + " is built by this module's package phase");
    JsonNode config = OciImageTar.config(IMAGE);
    assertEquals("65532:65532", config.get("User").asText());
    assertTrue(config.get("ExposedPorts").has("9187/tcp"), config.toString());
    List<String> entrypoint = OciImageTar.strings(config.get("Entrypoint"));
    assertEquals("io.etl.replicator.Main", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertTrue(OciImageTar.strings(config.get("Env")).stream().anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin")),
        "java on the PATH: " + config.get("Env"));
  }
}
