package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import java.util.List;
import java.util.TreeSet;

/**
 * Who may connect to a replicator pod: pods in the operator's namespace and in the configured
 * metrics-client namespaces (Prometheus), on the metrics port only. The admin port listens on
 * loopback and gets no rule. Kubelet probes come from the node, which NetworkPolicies always
 * admit. Egress is left alone: the replicator must reach databases the operator cannot know.
 * Policies add up, so a cluster that needs more lets it in with a policy of its own.
 */
public final class ReplicatorNetworkPolicy {
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private ReplicatorNetworkPolicy() {}

  public static NetworkPolicy desired(Pipeline pipeline, OperatorSettings settings) {
    TreeSet<String> clients = new TreeSet<>(settings.metricsClientNamespaces());
    if (settings.operatorNamespace() != null) {
      clients.add(settings.operatorNamespace());
    }
    // an ingress rule without "from" admits everyone: with no client namespace, admit no one
    List<NetworkPolicyIngressRule> ingress = clients.isEmpty() ? List.of() : List.of(new NetworkPolicyIngressRuleBuilder()
        .addNewFrom()
          .withNewNamespaceSelector()
            .addNewMatchExpression().withKey(NAMESPACE_NAME_LABEL).withOperator("In").withValues(List.copyOf(clients))
            .endMatchExpression()
          .endNamespaceSelector()
        .endFrom()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(ReplicatorConfig.HTTP_PORT)).endPort()
        .build());
    return new NetworkPolicyBuilder()
        .withNewMetadata()
          .withName(ChildLabels.childName(pipeline))
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(ChildLabels.of(pipeline))
          .withOwnerReferences(Owner.of(pipeline))
        .endMetadata()
        .withNewSpec()
          .withNewPodSelector().withMatchLabels(ChildLabels.selector(pipeline)).endPodSelector()
          .withPolicyTypes("Ingress")
          .withIngress(ingress)
        .endSpec()
        .build();
  }
}
