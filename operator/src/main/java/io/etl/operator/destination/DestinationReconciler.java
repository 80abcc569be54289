package io.etl.operator.destination;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationStatus;
import io.etl.operator.support.Conditions;
import io.etl.operator.support.EventRecorder;
import io.etl.operator.support.SecretReader;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;

/** Checks each Destination for real and keeps its Ready condition current. */
@ControllerConfiguration(name = "destination")
public final class DestinationReconciler implements Reconciler<Destination> {
  private final DestinationCheck check;
  private final EventRecorder events;
  private final Duration recheck;

  public DestinationReconciler(KubernetesClient client, Duration recheck) {
    this.check = new DestinationCheck(new SecretReader(client));
    this.events = new EventRecorder(client);
    this.recheck = recheck;
  }

  @Override
  public UpdateControl<Destination> reconcile(Destination destination, Context<Destination> context) {
    DestinationCheck.Result result = check.check(destination);
    DestinationStatus previous = destination.getStatus();
    var was = Conditions.find(previous == null ? null : previous.conditions, "Ready");
    if (was == null || !was.getStatus().equals(result.ready() ? "True" : "False") || !result.reason().equals(was.getReason())) {
      if (result.ready()) {
        events.normal(destination, result.reason(), result.message());
      } else {
        events.warning(destination, result.reason(), result.message());
      }
    }
    DestinationStatus status = new DestinationStatus();
    status.observedGeneration = destination.getMetadata().getGeneration();
    status.conditions = new Conditions(previous == null ? null : previous.conditions, status.observedGeneration)
        .set("Ready", result.ready(), result.reason(), result.message())
        .build();
    Destination patch = new Destination();
    patch.setMetadata(new ObjectMetaBuilder().withName(destination.getMetadata().getName())
        .withNamespace(destination.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    // a destination that works now can stop working (password rotated, grant revoked): check again
    return UpdateControl.patchStatus(patch).rescheduleAfter(recheck.toMillis());
  }
}
