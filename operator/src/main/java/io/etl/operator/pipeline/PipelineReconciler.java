package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.operator.OperatorSettings;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.EventRecorder;
import io.etl.operator.support.SecretReader;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Validate → render → observe for one Pipeline: checks its Destination and Secrets, applies the
 * ConfigMap, Deployment, metrics Service and NetworkPolicy, reads slot lag and table states from
 * the source and writes them into the status; again every observe interval. Deletion is
 * {@link PipelineDeletion}.
 */
@ControllerConfiguration(name = "pipeline", finalizerName = PipelineReconciler.FINALIZER)
public final class PipelineReconciler implements Reconciler<Pipeline>, Cleaner<Pipeline> {
  public static final String FINALIZER = "etl.io/slot-cleanup";
  static final String FIELD_MANAGER = "etl-operator";
  private static final String BY_DESTINATION = "byDestination";

  private final OperatorSettings settings;
  private final KubernetesClient client;
  private final SecretReader secrets;
  private final EventRecorder events;
  private final SourceObserver observer = new SourceObserver();
  private final PipelineDeletion cleanup;
  private final PipelineGauges gauges;

  public PipelineReconciler(OperatorSettings settings, KubernetesClient client) {
    this(settings, client, PipelineGauges.unexported());
  }

  public PipelineReconciler(OperatorSettings settings, KubernetesClient client, PipelineGauges gauges) {
    this.gauges = gauges;
    this.settings = settings;
    this.client = client;
    this.secrets = new SecretReader(client);
    this.events = new EventRecorder(client);
    this.cleanup = new PipelineDeletion(client, secrets, events);
  }

  @Override
  public List<EventSource<?, Pipeline>> prepareEventSources(EventSourceContext<Pipeline> context) {
    context.getPrimaryCache().addIndexer(BY_DESTINATION, p -> List.of(destinationKey(
        p.getMetadata().getNamespace(), p.getSpec() == null || p.getSpec().destinationRef == null ? "" : p.getSpec().destinationRef.name)));
    var deployments = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Deployment.class, Pipeline.class)
            .withLabelSelector(ChildLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Pipeline.class))
            .withNamespacesInheritedFromController()
            .build(),
        context);
    var destinations = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Destination.class, Pipeline.class)
            .withSecondaryToPrimaryMapper(d -> context.getPrimaryCache()
                .byIndex(BY_DESTINATION, destinationKey(d.getMetadata().getNamespace(), d.getMetadata().getName()))
                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
            .withNamespacesInheritedFromController()
            .build(),
        context);
    return List.of(deployments, destinations);
  }

  private static String destinationKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public UpdateControl<Pipeline> reconcile(Pipeline pipeline, Context<Pipeline> context) {
    PipelineInputs inputs = PipelineInputs.resolve(client, secrets, pipeline, context.getPrimaryCache().list().toList());
    String configHash = pipeline.getStatus() == null ? null : pipeline.getStatus().configHash;
    if (inputs.ready()) {
      String config = ReplicatorConfig.render(pipeline, inputs.destination(), inputs.secrets());
      configHash = ReplicatorConfig.hash(config);
      apply(ReplicatorConfigMap.desired(pipeline, config));
      apply(ReplicatorDeployment.desired(pipeline, inputs.secrets(), configHash, settings.replicatorImage()));
      apply(MetricsService.desired(pipeline));
      apply(ReplicatorNetworkPolicy.desired(pipeline, settings));
    }
    // No Deployment is created while an input is missing; one that already runs is left alone:
    // the replicator retries destination faults itself, and stopping it would only add lag.
    // a Pipeline whose id another one holds would read that one's slot and state: not observed
    SourceObservation source = inputs.sourceCredentialsProblem() == null && !inputs.pipelineIdTaken()
        ? observer.observe(pipeline, inputs.sourcePassword(), inputs.sourceCa())
        : null;
    String podProblem = inputs.ready() ? ReplicatorPods.problem(client, pipeline) : null;
    PipelineStatus status = PipelineStatusBuilder.build(pipeline, inputs, source, configHash, podProblem);
    recordTransitions(pipeline, pipeline.getStatus(), status);
    gauges.record(pipeline, status);
    return UpdateControl.patchStatus(statusPatch(pipeline, status)).rescheduleAfter(settings.observeInterval().toMillis());
  }

  /**
   * A reconcile that threw (the API server refused a rendered child, say) is retried by JOSDK
   * with backoff; the status says why meanwhile instead of only the log.
   */
  @Override
  public ErrorStatusUpdateControl<Pipeline> updateErrorStatus(Pipeline pipeline, Context<Pipeline> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e;
    while (cause != null && !(cause instanceof KubernetesClientException)) {
      cause = cause.getCause();
    }
    if (cause instanceof KubernetesClientException kce && kce.getStatus() != null && kce.getStatus().getMessage() != null) {
      message = "the API server refused a change: " + kce.getStatus().getMessage(); // without the request URL
    }
    message = message.length() > 500 ? message.substring(0, 500) + "…" : message;
    PipelineStatus before = pipeline.getStatus();
    Conditions conditions = new Conditions(before == null ? null : before.conditions, pipeline.getMetadata().getGeneration());
    if (before != null) {
      before.conditions.stream().filter(c -> !c.getType().equals(PipelineStatusBuilder.READY)
              && !c.getType().equals(PipelineStatusBuilder.RECONCILING))
          .forEach(c -> conditions.set(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    }
    conditions.set(PipelineStatusBuilder.READY, false, "ReconcileFailed", message);
    conditions.set(PipelineStatusBuilder.RECONCILING, true, "ReconcileFailed", "retrying with backoff: " + message);
    PipelineStatus status = before == null ? new PipelineStatus() : before;
    status.conditions = conditions.build();
    Pipeline patch = statusPatch(pipeline, status);
    events.warning(pipeline, "ReconcileFailed", message);
    return ErrorStatusUpdateControl.patchStatus(patch);
  }

  /** A Pipeline carrying only what a status patch needs: name, namespace and the status. */
  static Pipeline statusPatch(Pipeline pipeline, PipelineStatus status) {
    Pipeline patch = new Pipeline();
    patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(pipeline.getMetadata().getName())
        .withNamespace(pipeline.getMetadata().getNamespace())
        .build());
    patch.setStatus(status);
    return patch;
  }

  private void apply(HasMetadata desired) {
    client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  private void recordTransitions(Pipeline pipeline, PipelineStatus before, PipelineStatus after) {
    if (before == null || before.phase != after.phase) {
      events.normal(pipeline, "Phase" + after.phase, "phase is now " + after.phase);
    }
    for (Condition now : after.conditions) {
      Condition was = before == null ? null : Conditions.find(before.conditions, now.getType());
      if (was != null && Objects.equals(was.getStatus(), now.getStatus()) && Objects.equals(was.getReason(), now.getReason())) {
        continue;
      }
      if (now.getType().equals(PipelineStatusBuilder.RECONCILING) || now.getType().equals(PipelineStatusBuilder.STALLED)) {
        continue; // they restate Ready's reason; one event per change is enough
      }
      boolean good = "True".equals(now.getStatus());
      String message = now.getType() + "=" + now.getStatus() + " (" + now.getReason() + ")"
          + (now.getMessage() == null || now.getMessage().isEmpty() ? "" : ": " + now.getMessage());
      if (good) {
        events.normal(pipeline, now.getReason(), message);
      } else {
        events.warning(pipeline, now.getReason(), message);
      }
    }
  }

  @Override
  public DeleteControl cleanup(Pipeline pipeline, Context<Pipeline> context) {
    gauges.forget(pipeline);
    return cleanup.run(pipeline);
  }
}
