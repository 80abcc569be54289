package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.SecretReader;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The validate step as a pure function: from the Pipeline, its Destination (from the informer
 * cache), every watched Pipeline (for the pipeline-id claim) and what was found for each Secret
 * it references, the first missing input in the order a person would fix them, or Ready.
 */
final class PipelineValidation {
  private PipelineValidation() {}

  /**
   * @param destination null when it does not exist
   * @param secretProblems the problem of each referenced Secret that cannot be used, keyed by
   *     {@link SecretLookups#key}; absent for those that can
   */
  static PipelineInputs validate(Pipeline pipeline, Destination destination, Collection<Pipeline> pipelines,
      Map<String, SecretReader.SecretProblem> secretProblems) {
    String namespace = pipeline.getMetadata().getNamespace();
    SecretReader.SecretProblem credentialsProblem = sourceProblem(pipeline, secretProblems);

    Optional<Pipeline> owner = PipelineIdClaims.heldByAnother(pipeline, pipelines);
    if (owner.isPresent()) {
      var source = pipeline.getSpec().source;
      return new PipelineInputs.Blocked(PipelineInputs.PIPELINE_ID_IN_USE, "pipeline id " + pipeline.pipelineId()
          + " on source server " + source.host + ":" + source.portOrDefault() + " is already used by Pipeline "
          + owner.get().getMetadata().getNamespace() + "/" + owner.get().getMetadata().getName()
          + ": two pipelines of one id on one server would share replication slots"
          + " and state; set spec.pipelineId of this one to an id of its own", credentialsProblem);
    }
    String destinationName = pipeline.getSpec().destinationRef.name;
    if (destination == null) {
      return new PipelineInputs.Blocked("DestinationNotFound", "Destination " + destinationName
          + " does not exist in namespace " + namespace + ": create it or correct spec.destinationRef.name", credentialsProblem);
    }
    if (credentialsProblem != null) {
      return new PipelineInputs.Blocked(credentialsProblem.reason(), credentialsProblem.getMessage(), credentialsProblem);
    }
    var ready = Conditions.find(destination.getStatus() == null ? null : destination.getStatus().conditions, "Ready");
    if (ready == null || !"True".equals(ready.getStatus())) {
      String why = ready == null ? "it has not been checked yet" : ready.getMessage();
      return new PipelineInputs.Blocked("DestinationNotReady", "Destination " + destinationName + " is not ready: " + why,
          null);
    }
    // the destination's own Secrets: a missing one would leave the pod failing to start
    SecretWiring wiring = SecretWiring.of(pipeline, destination);
    for (SecretLookups.Reference ref : SecretLookups.references(wiring)) {
      SecretReader.SecretProblem problem = secretProblems.get(ref.key());
      if (ref.side() == SecretWiring.Side.DESTINATION && problem != null) {
        return new PipelineInputs.Blocked(problem.reason(), problem.getMessage(), null);
      }
    }
    return new PipelineInputs.Ready(destination, wiring);
  }

  /** The first problem of the source's Secrets (password, then CA), or null. */
  private static SecretReader.SecretProblem sourceProblem(Pipeline pipeline, Map<String, SecretReader.SecretProblem> problems) {
    for (SecretLookups.Reference ref : SecretLookups.references(SecretWiring.of(pipeline, null))) {
      SecretReader.SecretProblem problem = problems.get(ref.key());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
