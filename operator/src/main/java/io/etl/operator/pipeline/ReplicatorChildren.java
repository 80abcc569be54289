package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The desired children of a ready Pipeline, rendered once per reconcile and handed to the
 * dependent resources of {@link ReplicatorDependents} through the reconcile's context.
 */
record ReplicatorChildren(ConfigMap configMap, Deployment deployment, Service metricsService, NetworkPolicy networkPolicy,
    String configHash) {

  static ReplicatorChildren render(Pipeline pipeline, PipelineInputs.Ready inputs, OperatorSettings settings) {
    String config = ReplicatorConfig.render(pipeline, inputs.destination(), inputs.secrets());
    String hash = ReplicatorConfig.hash(config);
    return new ReplicatorChildren(ReplicatorConfigMap.desired(pipeline, config),
        ReplicatorDeployment.desired(pipeline, inputs.secrets(), hash, settings.replicatorImage()),
        MetricsService.desired(pipeline), ReplicatorNetworkPolicy.desired(pipeline, settings), hash);
  }

  void putInto(Context<Pipeline> context) {
    context.managedWorkflowAndDependentResourceContext().put(ReplicatorChildren.class, this);
  }

  static ReplicatorChildren from(Context<Pipeline> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(ReplicatorChildren.class, ReplicatorChildren.class);
  }
}
