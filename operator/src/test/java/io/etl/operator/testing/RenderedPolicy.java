package io.etl.operator.testing;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The NetworkPolicy the operator rendered for a replicator, as the API server holds it. */
public final class RenderedPolicy {
  private RenderedPolicy() {}

  /**
   * Asserts that the replicator pods of {@code deployment} admit connections only from the
   * namespaces {@code clients}, and only on the metrics port 9187.
   */
  public static NetworkPolicy assertOnlyMetricsFrom(KubernetesClient client, Deployment deployment, List<String> clients) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    NetworkPolicy policy = await("NetworkPolicy " + namespace + "/" + name,
        () -> client.network().v1().networkPolicies().inNamespace(namespace).withName(name).get());
    assertTrue(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
            .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()),
        "the policy selects the replicator's pods: " + policy.getSpec().getPodSelector());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    List<NetworkPolicyIngressRule> ingress = policy.getSpec().getIngress();
    assertEquals(1, ingress.size(), ingress.toString());
    NetworkPolicyIngressRule rule = ingress.get(0);
    assertEquals(1, rule.getFrom().size(), rule.toString());
    assertEquals(null, rule.getFrom().get(0).getPodSelector(), rule.toString());
    List<LabelSelectorRequirement> namespaces = rule.getFrom().get(0).getNamespaceSelector().getMatchExpressions();
    assertEquals(1, namespaces.size(), rule.toString());
    assertEquals("kubernetes.io/metadata.name", namespaces.get(0).getKey());
    assertEquals("In", namespaces.get(0).getOperator());
    assertEquals(clients.stream().sorted().toList(), namespaces.get(0).getValues().stream().sorted().toList());
    List<NetworkPolicyPort> ports = rule.getPorts();
    assertEquals(1, ports.size(), rule.toString());
    assertEquals(9187, ports.get(0).getPort().getIntVal());
    assertEquals("TCP", ports.get(0).getProtocol());
    return policy;
  }
}
