package io.etl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bench runs the replicator's JVM as the operator does: the pod's default memory limit, the
 * Deployment's JAVA_TOOL_OPTIONS and the image's jvmFlags and environment, read from where they
 * are set. A change to one of them without the bench measures a JVM nobody runs.
 */
class ReplicatorFlagsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void theBenchRunsTheReplicatorJvmTheOperatorRuns() throws Exception {
    String pom = Files.readString(ROOT.resolve("replicator-image/pom.xml"));
    String deployment = Files.readString(ROOT.resolve("operator/src/main/java/io/etl/operator/pipeline/ReplicatorDeployment.java"));
    String resources = Files.readString(ROOT.resolve("operator/src/main/java/io/etl/operator/pipeline/ReplicatorResources.java"));

    Matcher limit = Pattern.compile("DEFAULT_LIMITS = Map.of\\(\\s*\"memory\", new Quantity\\(\"(\\d+)Gi\"\\)").matcher(resources);
    assertTrue(limit.find(), "the operator's default memory limit");
    Matcher toolOptions = Pattern.compile("\"JAVA_TOOL_OPTIONS\", \"([^\"]+)\"").matcher(deployment);
    assertTrue(toolOptions.find(), "the Deployment's JAVA_TOOL_OPTIONS");
    List<String> imageFlags = new ArrayList<>();
    Matcher flag = Pattern.compile("<jvmFlag>([^<]+)</jvmFlag>").matcher(pom);
    while (flag.find()) {
      imageFlags.add(flag.group(1));
    }
    assertTrue(!imageFlags.isEmpty(), "the image's jvmFlags");

    String expected = "-XX:MaxRAM=" + limit.group(1) + "g " + toolOptions.group(1) + " " + String.join(" ", imageFlags);
    assertEquals(expected, ChildJvm.REPLICATOR_FLAGS);

    Matcher environment = Pattern.compile("<environment>(.*?)</environment>", Pattern.DOTALL).matcher(pom);
    Map<String, String> imageEnv = new LinkedHashMap<>();
    if (environment.find()) {
      Matcher variable = Pattern.compile("<(\\w+)>([^<]*)</\\1>").matcher(environment.group(1));
      while (variable.find()) {
        imageEnv.put(variable.group(1), variable.group(2));
      }
    }
    assertEquals(imageEnv, ChildJvm.REPLICATOR_ENV);
  }
}
