package io.etl.operator.support;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Kubernetes Events about a resource; `kubectl describe` and `kubectl events` show them. */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
          .withName(about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(about.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind())
            .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
            .withUid(about.getMetadata().getUid()).build())
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent("etl-operator").endSource()
        .withReportingComponent("etl-operator")
        .build();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // an event is a courtesy; the status carries the same information
      log.warn("could not record event {} on {} {}: {}", reason, about.getKind(), about.getMetadata().getName(), e.getMessage());
    }
    log.info("{} {}/{} {}: {}", about.getKind(), about.getMetadata().getNamespace(), about.getMetadata().getName(), reason, message);
  }
}
