package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.operator.OperatorSettings;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.EventRecorder;
import io.etl.operator.support.SecretReader;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Validate → observe → reconcile for one Pipeline, on JOSDK's machinery: its Destination and
 * replicator pods come from informer caches, validation is a pure function
 * ({@link PipelineValidation}), the source is read off the reconcile threads
 * ({@link SourceObservations}), and the ConfigMap, Deployment, metrics Service and NetworkPolicy
 * are dependent resources of a workflow that runs only when every input is in place. The status
 * is written only when it differs from what the Pipeline has, so an unchanged Pipeline costs one
 * write per observe interval (its new lastObservedTime). Deletion is {@link PipelineDeletion}.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = ReplicatorDependents.CONFIG_MAP, type = ReplicatorDependents.ConfigMapDependent.class),
    @Dependent(name = ReplicatorDependents.DEPLOYMENT, type = ReplicatorDependents.DeploymentDependent.class,
        dependsOn = ReplicatorDependents.CONFIG_MAP),
    @Dependent(name = ReplicatorDependents.METRICS_SERVICE, type = ReplicatorDependents.MetricsServiceDependent.class),
    @Dependent(name = ReplicatorDependents.NETWORK_POLICY, type = ReplicatorDependents.NetworkPolicyDependent.class)})
@ControllerConfiguration(name = "pipeline", finalizerName = PipelineReconciler.FINALIZER,
    fieldManager = PipelineReconciler.FIELD_MANAGER)
public final class PipelineReconciler implements Reconciler<Pipeline>, Cleaner<Pipeline> {
  public static final String FINALIZER = "etl.io/slot-cleanup";
  static final String FIELD_MANAGER = "etl-operator";
  private static final String BY_DESTINATION = "byDestination";
  private static final String PODS = "replicator-pods";

  private final OperatorSettings settings;
  private final SecretReader secrets;
  private final SecretVerdicts secretVerdicts;
  private final EventRecorder events;
  private final SourceObservations observations;
  private final PipelineDeletion cleanup;
  private final PipelineGauges gauges;

  public PipelineReconciler(OperatorSettings settings, KubernetesClient client) {
    this(settings, client, PipelineGauges.unexported());
  }

  public PipelineReconciler(OperatorSettings settings, KubernetesClient client, PipelineGauges gauges) {
    this.gauges = gauges;
    this.settings = settings;
    this.secrets = new SecretReader(client);
    this.secretVerdicts = new SecretVerdicts(secrets, settings.observeInterval().dividedBy(3), Clock.systemUTC());
    this.events = new EventRecorder(client);
    this.observations = new SourceObservations(secrets);
    this.cleanup = new PipelineDeletion(client, secrets, events);
  }

  @Override
  public List<EventSource<?, Pipeline>> prepareEventSources(EventSourceContext<Pipeline> context) {
    context.getPrimaryCache().addIndexer(BY_DESTINATION, p -> List.of(destinationKey(
        p.getMetadata().getNamespace(), p.getSpec() == null || p.getSpec().destinationRef == null ? "" : p.getSpec().destinationRef.name)));
    var destinations = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Destination.class, Pipeline.class)
            .withSecondaryToPrimaryMapper(d -> context.getPrimaryCache()
                .byIndex(BY_DESTINATION, destinationKey(d.getMetadata().getNamespace(), d.getMetadata().getName()))
                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((Pipeline p) -> Set.of(
                new ResourceID(p.getSpec().destinationRef.name, p.getMetadata().getNamespace())))
            .withNamespacesInheritedFromController()
            .build(),
        context);
    // the replicator pods, by the Pipeline label their template carries (they are owned by a ReplicaSet)
    var pods = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, Pipeline.class)
            .withName(PODS)
            .withLabelSelector(ChildLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(pod -> pod.getMetadata().getLabels() == null
                || pod.getMetadata().getLabels().get(ChildLabels.PIPELINE) == null ? Set.of()
                : Set.of(new ResourceID(pod.getMetadata().getLabels().get(ChildLabels.PIPELINE), pod.getMetadata().getNamespace())))
            .withNamespacesInheritedFromController()
            .build(),
        context);
    return List.of(destinations, pods, observations.events());
  }

  private static String destinationKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public UpdateControl<Pipeline> reconcile(Pipeline pipeline, Context<Pipeline> context) {
    long interval = settings.observeInterval().toMillis();
    Collection<Pipeline> pipelines = context.getPrimaryCache().list().toList();
    // a Pipeline whose id another one holds would read that one's slot and state: not observed
    boolean idTaken = PipelineIdClaims.heldByAnother(pipeline, pipelines).isPresent();
    if (!idTaken && observations.refreshIfDue(pipeline, settings.observeInterval(), Instant.now())) {
      // the status is written when the read arrives (its event triggers the next reconcile)
      return UpdateControl.<Pipeline>noUpdate().rescheduleAfter(interval);
    }
    Destination destination = context.getSecondaryResource(Destination.class).orElse(null);
    PipelineInputs inputs = PipelineValidation.validate(pipeline, destination, pipelines,
        SecretLookups.problems(secretVerdicts, pipeline, destination));
    String configHash = pipeline.getStatus() == null ? null : pipeline.getStatus().configHash;
    String podProblem = null;
    if (inputs instanceof PipelineInputs.Ready ready) {
      ReplicatorChildren children = ReplicatorChildren.render(pipeline, ready, settings);
      configHash = children.configHash();
      children.putInto(context);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      podProblem = ReplicatorPods.problem(context.getSecondaryResources(Pod.class));
    }
    // No Deployment is created while an input is missing; one that already runs is left alone:
    // the replicator retries destination faults itself, and stopping it would only add lag.
    SourceObservations.Latest read = inputs.sourceObservable() ? observations.latest(pipeline).orElse(null) : null;
    SourceObservation source = read == null ? null : read.source();
    PipelineStatus status = PipelineStatusBuilder.build(pipeline, inputs, source, configHash, podProblem);
    if (source != null) {
      status.lastObservedTime = read.at().truncatedTo(ChronoUnit.SECONDS).toString();
    }
    // before the no-change return: after an operator restart the stored status is unchanged, and the
    // gauges must still show it
    gauges.record(pipeline, status);
    if (StatusChange.none(pipeline.getStatus(), status, source != null)) {
      return UpdateControl.<Pipeline>noUpdate().rescheduleAfter(interval);
    }
    recordTransitions(pipeline, pipeline.getStatus(), status);
    return UpdateControl.patchStatus(statusPatch(pipeline, status)).rescheduleAfter(interval);
  }

  /**
   * A reconcile that threw (the API server refused a rendered child, say) is retried by JOSDK
   * with backoff; the status says why meanwhile instead of only the log.
   */
  @Override
  public ErrorStatusUpdateControl<Pipeline> updateErrorStatus(Pipeline pipeline, Context<Pipeline> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    KubernetesClientException refused = refusal(e);
    if (refused != null && refused.getStatus() != null && refused.getStatus().getMessage() != null) {
      message = "the API server refused a change: " + refused.getStatus().getMessage(); // without the request URL
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

  /** The API server's refusal behind {@code e}, also inside the workflow's aggregate of its dependents' failures. */
  private static KubernetesClientException refusal(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException kce) {
        return kce;
      }
      if (cause instanceof AggregatedOperatorException aggregated) {
        for (Exception inner : aggregated.getAggregatedExceptions().values()) {
          KubernetesClientException found = refusal(inner);
          if (found != null) {
            return found;
          }
        }
      }
    }
    return null;
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
    DeleteControl control = cleanup.run(pipeline);
    if (control.isRemoveFinalizer()) {
      observations.forget(pipeline);
      gauges.forget(pipeline);
    }
    return control;
  }
}
