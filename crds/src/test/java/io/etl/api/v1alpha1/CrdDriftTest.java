package io.etl.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRDs users apply are checked in under deploy/crds. They must be exactly what the model
 * generates; {@code ./mvnw -pl crds test -Dcrds.update=true} rewrites them after a model change.
 */
class CrdDriftTest {
  static final Path CHECKED_IN = Path.of("..", "deploy", "crds");

  @Test
  void checkedInCrdsMatchTheModel() throws IOException {
    Map<String, String> generated = CrdGeneration.generate();
    assertEquals(2, generated.size(), "one CRD per resource: " + generated.keySet());
    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(CHECKED_IN);
      for (Map.Entry<String, String> file : generated.entrySet()) {
        Files.writeString(CHECKED_IN.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    }
    for (Map.Entry<String, String> file : generated.entrySet()) {
      Path checkedIn = CHECKED_IN.resolve(file.getKey());
      assertTrue(Files.exists(checkedIn), checkedIn + " is missing; run ./mvnw -pl crds test -Dcrds.update=true");
      assertEquals(file.getValue(), Files.readString(checkedIn, StandardCharsets.UTF_8),
          checkedIn + " differs from what the model in crds/ generates; run ./mvnw -pl crds test -Dcrds.update=true"
              + " and commit the result");
    }
  }

  @Test
  void sslModeHasNoSchemaDefaultAndSaysWhatUnsetMeans() throws IOException {
    for (String crd : CrdGeneration.generate().values()) {
      List<JsonNode> sslModes = new ObjectMapper(new YAMLFactory()).readTree(crd).findValues("sslMode");
      assertEquals(1, sslModes.size(), crd);
      JsonNode schema = sslModes.get(0);
      assertEquals("libpq sslmode; when unset: verify-full when caSecretRef is set, require otherwise.",
          schema.path("description").asText(), schema.toString());
      assertFalse(schema.has("default"), schema.toString());
    }
  }

  @Test
  void printerColumnsComeInTheDeclaredOrder() {
    String pipelines = CrdGeneration.generate().get("pipelines.etl.io.yaml");
    int last = -1;
    for (String column : new String[] {"READY", "PHASE", "TABLES", "LAG", "DESTINATION", "AGE"}) {
      int at = pipelines.indexOf("name: \"" + column + "\"");
      assertTrue(at > last, column + " out of order in\n" + pipelines);
      last = at;
    }
  }
}
