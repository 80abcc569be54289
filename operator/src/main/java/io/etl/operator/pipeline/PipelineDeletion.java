package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.config.RetryConfig;
import io.etl.core.error.EtlException;
import io.etl.core.pipeline.Backoff;
import io.etl.core.replication.SlotNames;
import io.etl.core.state.PipelineCleanup;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.EventRecorder;
import io.etl.operator.support.PostgresAccess;
import io.etl.operator.support.SecretReader;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The finalizer's work when a Pipeline is deleted: stop the replicator and wait until its pod is
 * gone; then, with slotReclaimPolicy Delete, drop the pipeline's slots and its rows in schema
 * etl. A source that cannot be reached is retried with backoff and reported in the status; the
 * annotation {@value #SKIP_ANNOTATION} lets a person give up on the clean-up deliberately.
 */
final class PipelineDeletion {
  static final String SKIP_ANNOTATION = "etl.io/skip-cleanup";
  static final String CLEANUP = "CleanupComplete";
  private static final long POLL_MS = 2_000;
  /** 5 s, doubling, at most 5 min between attempts on a source that cannot be reached. */
  static final RetryConfig RETRY = new RetryConfig(5_000L, 300_000L, 2.0);

  private final KubernetesClient client;
  private final SecretReader secrets;
  private final EventRecorder events;
  private final Map<String, Backoff> failedAttempts = new ConcurrentHashMap<>();

  PipelineDeletion(KubernetesClient client, SecretReader secrets, EventRecorder events) {
    this.client = client;
    this.secrets = secrets;
    this.events = events;
  }

  DeleteControl run(Pipeline pipeline) {
    String namespace = pipeline.getMetadata().getNamespace();
    String uid = pipeline.getMetadata().getUid();
    var deployment = client.apps().deployments().inNamespace(namespace).withName(ChildLabels.childName(pipeline));
    if (deployment.get() != null) {
      deployment.delete();
      report(pipeline, "StoppingReplicator", "deleting the replicator Deployment before the slots are released");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(POLL_MS);
    }
    int pods = client.pods().inNamespace(namespace).withLabels(ChildLabels.selector(pipeline)).list().getItems().size();
    if (pods > 0) {
      report(pipeline, "WaitingForPod", "waiting for " + pods + " replicator pod(s) to terminate");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(POLL_MS);
    }
    if ("true".equalsIgnoreCase(pipeline.getMetadata().getAnnotations() == null ? null
        : pipeline.getMetadata().getAnnotations().get(SKIP_ANNOTATION))) {
      events.warning(pipeline, "CleanupSkipped", SKIP_ANNOTATION + " is set: slots and state of pipeline "
          + pipeline.pipelineId() + " are left in the source database");
      return done(uid);
    }
    if (pipeline.getSpec().slotReclaimPolicyOrDefault() == SlotReclaimPolicy.Retain) {
      events.normal(pipeline, "SlotRetained", "slotReclaimPolicy Retain: slot " + SlotNames.apply(pipeline.pipelineId())
          + " and the pipeline's state stay in the source database");
      return done(uid);
    }
    try {
      SourceCredentials credentials = SourceCredentials.read(secrets, pipeline);
      PipelineCleanup.Result result;
      try (PostgresAccess access = PostgresAccess.open("source", pipeline.getSpec().source, credentials.password(),
          credentials.caPem())) {
        result = PipelineCleanup.run(access.connection(), pipeline.pipelineId());
      }
      if (!result.done()) {
        report(pipeline, "SlotInUse", "slot(s) " + result.busySlots() + " are still streamed to a process; waiting for it to stop");
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(POLL_MS);
      }
      events.normal(pipeline, "SlotsDropped", "dropped replication slot(s) " + result.droppedSlots()
          + " and the state of pipeline " + pipeline.pipelineId());
      return done(uid);
    } catch (SecretReader.SecretProblem | EtlException | SQLException e) {
      Backoff backoff = failedAttempts.computeIfAbsent(uid, u -> new Backoff(RETRY));
      long delay = backoff.nextDelayMs();
      int attempt = backoff.attempts();
      String why = e instanceof EtlException ee ? io.etl.operator.support.Reasons.message(ee) : e.getMessage();
      report(pipeline, "CleanupFailed", "cannot drop the pipeline's slots (attempt " + attempt + ", next in " + delay / 1000
          + " s): " + why + ". To delete without the clean-up, annotate the Pipeline " + SKIP_ANNOTATION + "=true");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay);
    }
  }

  private DeleteControl done(String uid) {
    failedAttempts.remove(uid);
    return DeleteControl.defaultDelete();
  }

  /** Phase Deleting with a condition that says what the clean-up waits for. */
  private void report(Pipeline pipeline, String reason, String message) {
    PipelineStatus before = pipeline.getStatus();
    if (before != null && before.phase == PipelinePhase.Deleting) {
      var existing = Conditions.find(before.conditions, CLEANUP);
      if (existing != null && reason.equals(existing.getReason()) && !reason.equals("CleanupFailed")) {
        return;
      }
    }
    if (reason.equals("CleanupFailed")) {
      events.warning(pipeline, reason, message);
    } else {
      events.normal(pipeline, reason, message);
    }
    PipelineStatus status = before == null ? new PipelineStatus() : before;
    status.phase = PipelinePhase.Deleting;
    var conditions = new Conditions(status.conditions, pipeline.getMetadata().getGeneration());
    status.conditions.stream().filter(c -> !c.getType().equals(CLEANUP))
        .forEach(c -> conditions.set(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    conditions.set(CLEANUP, false, reason, message);
    status.conditions = conditions.build();
    try {
      client.resource(PipelineReconciler.statusPatch(pipeline, status)).patchStatus();
    } catch (KubernetesClientException e) {
      // the status is informative here; the clean-up goes on regardless
    }
  }
}
