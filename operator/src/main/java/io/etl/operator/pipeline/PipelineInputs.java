package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.SecretReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Optional;

/**
 * The validate step: what a Pipeline needs before a replicator can run — its Destination, ready,
 * and every Secret it references — and the source credentials the observer uses.
 *
 * @param destination the Destination, or null when missing
 * @param secrets how the pod receives its Secrets (null when the Destination is missing)
 * @param problem null when everything is in place; else why not, naming the object and the fix
 * @param problemReason a CamelCase reason for conditions and events
 * @param sourcePassword null when the source has no password or its Secret is unusable
 * @param sourceCa null when the source has no CA Secret or it is unusable
 * @param sourceCredentialsProblem why the source credentials could not be read, or null
 */
public record PipelineInputs(
    Destination destination, SecretWiring secrets, String problem, String problemReason,
    String sourcePassword, String sourceCa, SecretReader.SecretProblem sourceCredentialsProblem) {

  static final String PIPELINE_ID_IN_USE = "PipelineIdInUse";

  public boolean ready() {
    return problem == null;
  }

  /** Another Pipeline holds this one's id on its source server. */
  public boolean pipelineIdTaken() {
    return PIPELINE_ID_IN_USE.equals(problemReason);
  }

  /** @param pipelines every Pipeline the operator watches (its cache), to find another claim on the pipeline id */
  public static PipelineInputs resolve(KubernetesClient client, SecretReader secretReader, Pipeline pipeline,
      Collection<Pipeline> pipelines) {
    String namespace = pipeline.getMetadata().getNamespace();
    String password = null;
    String ca = null;
    SecretReader.SecretProblem credentialsProblem = null;
    try {
      SourceCredentials credentials = SourceCredentials.read(secretReader, pipeline);
      password = credentials.password();
      ca = credentials.caPem();
    } catch (SecretReader.SecretProblem e) {
      credentialsProblem = e;
    }

    Optional<Pipeline> owner = PipelineIdClaims.heldByAnother(pipeline, pipelines);
    if (owner.isPresent()) {
      var source = pipeline.getSpec().source;
      return new PipelineInputs(null, null, "pipeline id " + pipeline.pipelineId() + " on source server " + source.host + ":"
          + source.portOrDefault() + " is already used by Pipeline " + owner.get().getMetadata().getNamespace() + "/"
          + owner.get().getMetadata().getName() + ": two pipelines of one id on one server would share replication slots"
          + " and state; set spec.pipelineId of this one to an id of its own", PIPELINE_ID_IN_USE, password, ca,
          credentialsProblem);
    }
    String destinationName = pipeline.getSpec().destinationRef.name;
    Destination destination = client.resources(Destination.class).inNamespace(namespace).withName(destinationName).get();
    if (destination == null) {
      return new PipelineInputs(null, null, "Destination " + destinationName + " does not exist in namespace " + namespace
          + ": create it or correct spec.destinationRef.name", "DestinationNotFound", password, ca, credentialsProblem);
    }
    SecretWiring wiring = SecretWiring.of(pipeline, destination);
    if (credentialsProblem != null) {
      return new PipelineInputs(destination, wiring, credentialsProblem.getMessage(), credentialsProblem.reason(), null, null,
          credentialsProblem);
    }
    var ready = Conditions.find(destination.getStatus() == null ? null : destination.getStatus().conditions, "Ready");
    if (ready == null || !"True".equals(ready.getStatus())) {
      String why = ready == null ? "it has not been checked yet" : ready.getMessage();
      return new PipelineInputs(destination, wiring, "Destination " + destinationName + " is not ready: " + why,
          "DestinationNotReady", password, ca, null);
    }
    // the destination's own Secrets (the source's were read above): a missing one would leave
    // the pod failing to start
    SecretReader.SecretProblem problem = firstSecretProblem(secretReader, namespace, wiring);
    if (problem != null) {
      return new PipelineInputs(destination, wiring, problem.getMessage(), problem.reason(), password, ca, null);
    }
    return new PipelineInputs(destination, wiring, null, null, password, ca, null);
  }

  /** The Destination by name and the source credentials only as present or not: a log line may print this. */
  @Override
  public String toString() {
    return "PipelineInputs[destination=" + (destination == null ? "none" : destination.getMetadata().getName())
        + ", problem=" + problem + ", problemReason=" + problemReason + ", sourcePassword=" + redacted(sourcePassword)
        + ", sourceCa=" + redacted(sourceCa) + ", sourceCredentialsProblem="
        + (sourceCredentialsProblem == null ? "none" : sourceCredentialsProblem.getMessage()) + "]";
  }

  static String redacted(String secret) {
    return secret == null ? "none" : "[redacted]";
  }

  private static SecretReader.SecretProblem firstSecretProblem(SecretReader reader, String namespace, SecretWiring wiring) {
    try {
      for (SecretWiring.EnvSecret secret : wiring.env()) {
        if (secret.side() == SecretWiring.Side.DESTINATION) {
          reader.read(namespace, secret.ref(), secret.usedFor());
        }
      }
      for (SecretWiring.FileSecret secret : wiring.files()) {
        if (secret.side() == SecretWiring.Side.DESTINATION) {
          reader.read(namespace, secret.ref(), secret.usedFor());
        }
      }
      return null;
    } catch (SecretReader.SecretProblem e) {
      return e;
    }
  }
}
