package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/** The ConfigMap holding a Pipeline's rendered pipeline.yaml (no secret values). */
public final class ReplicatorConfigMap {
  public static final String KEY = "pipeline.yaml";

  private ReplicatorConfigMap() {}

  public static ConfigMap desired(Pipeline pipeline, String renderedConfig) {
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(ChildLabels.childName(pipeline))
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(ChildLabels.of(pipeline))
          .withOwnerReferences(Owner.of(pipeline))
        .endMetadata()
        .addToData(KEY, renderedConfig)
        .build();
  }
}
