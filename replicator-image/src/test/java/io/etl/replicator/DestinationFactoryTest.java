package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.error.EtlException;
import io.etl.destinations.bigquery.BigQueryDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationFactoryTest {

  private static DestinationConfig bigquery(SecretRef credentials) {
    return new DestinationConfig("bigquery", null, BigQueryConfig.builder().projectId("my-project").datasetId("shop").location("US").credentials(credentials).build());
  }

  /** A service-account key file of the shape Google issues, with a key made here (never used to sign in). */
  private static String serviceAccountKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    // inside a JSON string a line break is the two characters backslash and n
    String json = pem.replace("\n", "\\n");
    return """
        {"type": "service_account", "project_id": "my-project", "private_key_id": "0123",
         "private_key": "%s", "client_email": "etl@my-project.iam.gserviceaccount.com", "client_id": "1",
         "token_uri": "https://oauth2.googleapis.com/token"}
        """.formatted(json);
  }

  @Test
  void discardDestinationIsAValidTypeAndKeepsNothing() {
    DestinationConfig config = new DestinationConfig("discard", null);
    List<String> problems = new ArrayList<>();
    config.validate(problems);
    assertEquals(List.of(), problems);
    try (Destination destination = DestinationFactory.create(config, "p", Map.of())) {
      assertInstanceOf(DiscardDestination.class, destination);
    }
  }

  @Test
  void bigQueryDestinationIsBuiltFromAServiceAccountKeyFile(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("key.json"), serviceAccountKey());
    try (Destination destination = DestinationFactory.create(bigquery(new SecretRef(null, key.toString())), "p", Map.of())) {
      assertInstanceOf(BigQueryDestination.class, destination);
    }
  }

  @Test
  void aKeyThatIsNotServiceAccountJsonIsAConfigErrorThatDoesNotRepeatTheSecret() {
    String secret = "{\"type\": \"service_account\", \"private_key\": \"s3cr3t-not-a-key\"}";
    EtlException e = assertThrows(EtlException.class,
        () -> DestinationFactory.create(bigquery(new SecretRef("BQ_KEY", null)), "p", Map.of("BQ_KEY", secret)));
    assertFalse(e.isRetryable());
    assertEquals("config_invalid", e.category());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertEquals("point destination.bigquery.credentials at the JSON key file downloaded for the service account.", e.solution());
  }
}
