package io.etl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.core.testing.OciImageTar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The operator image Jib wrote to target/jib-image.tar: what deploy/base's Deployment expects of it. */
class OperatorImageIT {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");

  @Test
  void imageRunsTheOperatorAsTheNonRootUserOfDeployBaseAndExposesItsHttpPort() throws IOException {
    assertTrue(Files.isRegularFile(IMAGE), IMAGE.toAbsolutePath() + " is built by this module's package phase");
    JsonNode config = OciImageTar.config(IMAGE);
    assertEquals("65532:65532", config.get("User").asText());
    assertTrue(config.get("ExposedPorts").has("8080/tcp"), config.toString());
    List<String> entrypoint = OciImageTar.strings(config.get("Entrypoint"));
    assertEquals("io.etl.operator.Main", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    // the operator benchmark measures the JVM the image runs
    String bench = Files.readString(Path.of("..", "bench", "operator-bench.sh"));
    Matcher flags = Pattern.compile("OPERATOR_IMAGE_JVM_FLAGS=\"([^\"]*)\"").matcher(bench);
    assertTrue(flags.find(), "bench/operator-bench.sh names the image's JVM flags");
    assertEquals(List.of(flags.group(1).split(" ")), entrypoint.subList(1, 1 + flags.group(1).split(" ").length),
        "the image's JVM flags (operator/pom.xml jvmFlags) and bench/operator-bench.sh's agree: " + entrypoint);
    assertTrue(OciImageTar.strings(config.get("Env")).contains("MALLOC_ARENA_MAX=2"), config.get("Env").toString());
    String deployment = Files.readString(Path.of("..", "deploy", "base", "deployment.yaml"));
    assertTrue(deployment.contains("runAsUser: 65532"), "deploy/base runs the operator as the image's user");
    assertTrue(deployment.contains("image: etl/operator:"), "deploy/base names the image Jib builds");
  }
}
