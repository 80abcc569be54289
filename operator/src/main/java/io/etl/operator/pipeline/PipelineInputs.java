package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.operator.support.SecretReader;

/**
 * What the validate step found: either everything a replicator needs is in place ({@link Ready}),
 * or the first thing that is not ({@link Blocked}). It holds references and verdicts only, never a
 * secret value: passwords are read where the JDBC connection is opened ({@link SourceObservations}).
 */
public sealed interface PipelineInputs {
  String PIPELINE_ID_IN_USE = "PipelineIdInUse";

  /**
   * Every input is in place.
   *
   * @param destination the Destination, ready
   * @param secrets how the pod receives its Secrets
   */
  record Ready(Destination destination, SecretWiring secrets) implements PipelineInputs {
    @Override
    public String toString() {
      return "Ready[destination=" + destination.getMetadata().getName() + "]";
    }
  }

  /**
   * Something is missing; no replicator is created (one that runs is left alone).
   *
   * @param reason a CamelCase reason for conditions and events
   * @param problem why, naming the object and the fix
   * @param sourceCredentialsProblem why the source credentials cannot be used, or null when they can
   */
  record Blocked(String reason, String problem, SecretReader.SecretProblem sourceCredentialsProblem) implements PipelineInputs {
    @Override
    public String toString() {
      return "Blocked[reason=" + reason + ", problem=" + problem + "]";
    }
  }

  default boolean ready() {
    return this instanceof Ready;
  }

  /** null when ready. */
  default String problem() {
    return this instanceof Blocked b ? b.problem() : null;
  }

  /** null when ready. */
  default String problemReason() {
    return this instanceof Blocked b ? b.reason() : null;
  }

  default SecretReader.SecretProblem sourceCredentialsProblem() {
    return this instanceof Blocked b ? b.sourceCredentialsProblem() : null;
  }

  /** Another Pipeline holds this one's id on its source server. */
  default boolean pipelineIdTaken() {
    return PIPELINE_ID_IN_USE.equals(problemReason());
  }

  /** Whether the source is read for the status: not without credentials, and not with an id another Pipeline holds. */
  default boolean sourceObservable() {
    return sourceCredentialsProblem() == null && !pipelineIdTaken();
  }

  static String redacted(String secret) {
    return secret == null ? "none" : "[redacted]";
  }
}
