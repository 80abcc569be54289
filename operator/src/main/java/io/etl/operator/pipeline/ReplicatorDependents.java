package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A Pipeline's children as JOSDK dependent resources: each is read from an informer of the
 * operator's labelled children and applied (server-side) only when JOSDK's SSA matcher finds the
 * desired state differs from what the cluster holds, so an unchanged Pipeline costs no write.
 * The desired objects are rendered once per reconcile ({@link ReplicatorChildren}).
 */
public final class ReplicatorDependents {
  static final String CONFIG_MAP = "config-map";
  static final String DEPLOYMENT = "deployment";
  static final String METRICS_SERVICE = "metrics-service";
  static final String NETWORK_POLICY = "network-policy";

  private ReplicatorDependents() {}

  @KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.SELECTOR))
  public static final class ConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, Pipeline> {
    public ConfigMapDependent() {
      super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(Pipeline pipeline, Context<Pipeline> context) {
      return ReplicatorChildren.from(context).configMap();
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.SELECTOR))
  public static final class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, Pipeline> {
    public DeploymentDependent() {
      super(Deployment.class);
    }

    @Override
    protected Deployment desired(Pipeline pipeline, Context<Pipeline> context) {
      return ReplicatorChildren.from(context).deployment();
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.SELECTOR))
  public static final class MetricsServiceDependent extends CRUDKubernetesDependentResource<Service, Pipeline> {
    public MetricsServiceDependent() {
      super(Service.class);
    }

    @Override
    protected Service desired(Pipeline pipeline, Context<Pipeline> context) {
      return ReplicatorChildren.from(context).metricsService();
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.SELECTOR))
  public static final class NetworkPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, Pipeline> {
    public NetworkPolicyDependent() {
      super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy desired(Pipeline pipeline, Context<Pipeline> context) {
      return ReplicatorChildren.from(context).networkPolicy();
    }
  }
}
