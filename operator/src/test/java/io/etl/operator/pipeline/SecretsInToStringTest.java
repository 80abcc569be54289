package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.source.PostgresConnector;
import io.etl.core.source.PostgresErrors;
import org.junit.jupiter.api.Test;

/** Objects that hold a password or a certificate print neither: a log line or an assertion message may show them. */
class SecretsInToStringTest {
  private static final String PASSWORD = "hunter2-Zx81";
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBfakeCertificateBodyQ29\n-----END CERTIFICATE-----\n";

  @Test
  void sourceCredentialsPrintWhatIsPresentNotTheValues() {
    String text = new SourceCredentials(PASSWORD, CA).toString();
    assertNoSecret(text);
    assertTrue(text.contains("password=[redacted]") && text.contains("caPem=[redacted]"), text);
    assertTrue(new SourceCredentials(null, null).toString().contains("password=none"));
  }

  @Test
  void pipelineInputsHoldNoSecretValue() {
    // the validate step's verdict has no field a password could be in: only references and reasons
    for (Class<?> type : PipelineInputs.class.getPermittedSubclasses()) {
      for (var component : type.getRecordComponents()) {
        assertFalse(component.getName().toLowerCase(java.util.Locale.ROOT).contains("password")
            || component.getName().toLowerCase(java.util.Locale.ROOT).contains("ca"), type.getSimpleName() + "." + component.getName());
      }
    }
    Pipeline pipeline = ReplicatorRenderingTest.pipeline();
    Destination destination = ReplicatorRenderingTest.destination();
    String text = new PipelineInputs.Ready(destination, SecretWiring.of(pipeline, destination)).toString();
    assertNoSecret(text);
    assertTrue(text.contains("destination=warehouse"), text);
  }

  @Test
  void connectorAndErrorClassifierPrintNoPassword() {
    PostgresConnectionConfig config = new PostgresConnectionConfig("db", 5432, "app", "etl", new SecretRef("PW", null),
        "require");
    assertNoSecret(new PostgresConnector(config, PASSWORD, "etl-test").toString());
    assertNoSecret(PostgresErrors.of("source", config, PASSWORD).toString());
    assertNoSecret(config.toString());
  }

  private static void assertNoSecret(String text) {
    assertFalse(text.contains(PASSWORD), text);
    assertFalse(text.contains("BEGIN CERTIFICATE") || text.contains("fakeCertificateBody"), text);
  }
}
