package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationStatus;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.SecretReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validate step offline: each missing input yields its reason and a message naming the fix, in the order a person fixes them. */
class PipelineValidationTest {
  private static final SecretReader.SecretProblem SOURCE_SECRET_MISSING = new SecretReader.SecretProblem("SecretNotFound",
      "Secret src-secret (spec.source.passwordSecretRef) does not exist in namespace shop: create it or correct the reference");
  private static final SecretReader.SecretProblem DESTINATION_SECRET_MISSING = new SecretReader.SecretProblem("SecretNotFound",
      "Secret dst-secret (Destination warehouse spec.postgres.passwordSecretRef) does not exist in namespace shop");

  private static Destination ready() {
    Destination d = ReplicatorRenderingTest.destination();
    d.setStatus(new DestinationStatus());
    d.getStatus().conditions = new Conditions(null, 1L).set("Ready", true, "Connected", "connected").build();
    return d;
  }

  private static PipelineInputs validate(Destination destination, Map<String, SecretReader.SecretProblem> problems) {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    return PipelineValidation.validate(p, destination, List.of(p), problems);
  }

  @Test
  void everythingInPlaceIsReadyWithTheWiringOfBothEnds() {
    PipelineInputs inputs = validate(ready(), Map.of());
    PipelineInputs.Ready r = assertInstanceOf(PipelineInputs.Ready.class, inputs);
    assertEquals(2, r.secrets().env().size(), "source and destination passwords");
    assertTrue(inputs.sourceObservable());
  }

  @Test
  void aMissingDestinationIsNamedWithTheFieldToCorrect() {
    PipelineInputs inputs = validate(null, Map.of());
    assertEquals("DestinationNotFound", inputs.problemReason());
    assertTrue(inputs.problem().contains("correct spec.destinationRef.name"), inputs.problem());
    assertTrue(inputs.sourceObservable(), "the source is still read for the status");
  }

  @Test
  void aMissingSourceSecretBlocksAndStopsTheSourceReads() {
    PipelineInputs inputs = validate(ready(), Map.of("src-secret/password", SOURCE_SECRET_MISSING));
    assertEquals("SecretNotFound", inputs.problemReason());
    assertEquals(SOURCE_SECRET_MISSING, inputs.sourceCredentialsProblem());
    assertFalse(inputs.sourceObservable());
  }

  @Test
  void aDestinationNotCheckedYetIsNotReady() {
    PipelineInputs inputs = validate(ReplicatorRenderingTest.destination(), Map.of());
    assertEquals("DestinationNotReady", inputs.problemReason());
    assertTrue(inputs.problem().contains("it has not been checked yet"), inputs.problem());
  }

  @Test
  void aMissingDestinationSecretBlocksButTheSourceIsStillRead() {
    PipelineInputs inputs = validate(ready(), Map.of("dst-secret/password", DESTINATION_SECRET_MISSING));
    assertEquals("SecretNotFound", inputs.problemReason());
    assertEquals(DESTINATION_SECRET_MISSING.getMessage(), inputs.problem());
    assertTrue(inputs.sourceObservable());
  }

  @Test
  void anIdHeldByAnOlderPipelineOnTheSameServerBlocksAndIsNotObserved() {
    Pipeline older = ReplicatorRenderingTest.pipeline();
    older.getMetadata().setNamespace("other");
    older.getMetadata().setUid("u-0");
    older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    Pipeline p = ReplicatorRenderingTest.pipeline();
    p.getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
    PipelineInputs inputs = PipelineValidation.validate(p, ready(), List.of(older, p), Map.of());
    assertEquals(PipelineInputs.PIPELINE_ID_IN_USE, inputs.problemReason());
    assertTrue(inputs.problem().contains("already used by Pipeline other/orders-sync"), inputs.problem());
    assertFalse(inputs.sourceObservable());
  }
}
