package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import java.util.Map;

/**
 * Labels the operator puts on a Pipeline's children. The CR's own labels are deliberately not
 * copied: GitOps tools track resources by their labels and would adopt the children.
 */
public final class ChildLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "etl-operator";
  public static final String PIPELINE = "etl.io/pipeline";
  public static final String SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private ChildLabels() {}

  public static Map<String, String> of(Pipeline pipeline) {
    return Map.of(
        "app.kubernetes.io/name", "etl-replicator",
        "app.kubernetes.io/instance", pipeline.getMetadata().getName(),
        MANAGED_BY, OPERATOR,
        PIPELINE, pipeline.getMetadata().getName());
  }

  /** The subset that selects the replicator pod; stable for the life of the Pipeline. */
  public static Map<String, String> selector(Pipeline pipeline) {
    return Map.of("app.kubernetes.io/name", "etl-replicator", PIPELINE, pipeline.getMetadata().getName());
  }

  public static String childName(Pipeline pipeline) {
    return "etl-" + pipeline.getMetadata().getName();
  }
}
