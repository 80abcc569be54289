package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** A ClusterIP Service in front of the replicator's /metrics, for Prometheus to scrape. */
public final class MetricsService {
  private MetricsService() {}

  public static String name(Pipeline pipeline) {
    String name = ChildLabels.childName(pipeline) + "-metrics";
    // a Service name is a DNS label: at most 63 characters
    return name.length() <= 63 ? name : name.substring(0, 46) + "-" + ReplicatorConfig.hash(name);
  }

  public static Service desired(Pipeline pipeline) {
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(name(pipeline))
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(ChildLabels.of(pipeline))
          .withOwnerReferences(Owner.of(pipeline))
        .endMetadata()
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(ChildLabels.selector(pipeline))
          .addNewPort().withName("http-metrics").withPort(ReplicatorConfig.HTTP_PORT)
            .withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }
}
