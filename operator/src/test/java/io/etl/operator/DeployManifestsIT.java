package io.etl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.testing.KubectlResult;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * deploy/ as users apply it. The roles of deploy/base are least privilege: impersonating the operator's ServiceAccount, it
 * reads a Secret only by name and only in a namespace that binds etl-operator-secret-reader.
 * (That it can do its whole job with them is what the lifecycle test shows: its operator runs as
 * this ServiceAccount.) The samples are accepted by the CRDs.
 */
class DeployManifestsIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static KubernetesClient asOperator;

  @BeforeAll
  static void install() {
    KubectlResult applied = kube.kubectl("apply", "--server-side", "--force-conflicts", "-k",
        kube.repositoryRoot().resolve("deploy/base").toString());
    assertTrue(applied.succeeded(), applied::toString);
    OperatorUnderTest.createPipelineNamespace(kube, "bound");
    kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("unbound").endMetadata().build()).create();
    for (String ns : new String[] {"bound", "unbound", OperatorUnderTest.NAMESPACE}) {
      kube.client().resource(Resources.passwordSecret(ns, "db", "s3cret")).create();
    }
    asOperator = kube.clientAsServiceAccount(OperatorUnderTest.NAMESPACE, OperatorUnderTest.SERVICE_ACCOUNT);
  }

  @Test
  void readsASecretByNameOnlyWhereTheReaderIsBound() {
    assertNotNull(asOperator.secrets().inNamespace("bound").withName("db").get());
    assertForbidden(() -> asOperator.secrets().inNamespace("bound").list());
    assertForbidden(() -> asOperator.secrets().inNamespace("unbound").withName("db").get());
    assertForbidden(() -> asOperator.secrets().inNamespace(OperatorUnderTest.NAMESPACE).withName("db").get());
    assertForbidden(() -> asOperator.secrets().inAnyNamespace().list());
  }

  @Test
  void kubectlAuthCanIAgrees() {
    String as = "--as=system:serviceaccount:etl-system:etl-operator";
    assertEquals("yes", canI(as, "get", "secrets", "-n", "bound"));
    assertEquals("no", canI(as, "list", "secrets", "-n", "bound"));
    assertEquals("no", canI(as, "watch", "secrets", "-n", "bound"));
    assertEquals("no", canI(as, "get", "secrets", "-n", "unbound"));
    assertEquals("no", canI(as, "create", "secrets", "-n", "bound"));
    assertEquals("yes", canI(as, "patch", "pipelines.etl.io", "--subresource=status", "-n", "bound"));
    assertEquals("no", canI(as, "delete", "pipelines.etl.io", "-n", "bound"));
    assertEquals("yes", canI(as, "create", "deployments.apps", "-n", "bound"));
    assertEquals("yes", canI(as, "patch", "networkpolicies.networking.k8s.io", "-n", "bound"));
    assertEquals("no", canI(as, "delete", "pods", "-n", "bound"));
    assertEquals("no", canI(as, "create", "leases.coordination.k8s.io", "-n", "bound"));
    assertEquals("yes", canI(as, "create", "leases.coordination.k8s.io", "-n", "etl-system"));
  }

  @Test
  void theOperatorsPortAdmitsOnlyTheMonitoringNamespace() {
    NetworkPolicy policy = kube.client().network().v1().networkPolicies().inNamespace(OperatorUnderTest.NAMESPACE)
        .withName("etl-operator").get();
    assertNotNull(policy, "NetworkPolicy etl-system/etl-operator of deploy/base");
    Deployment operator = kube.client().apps().deployments().inNamespace(OperatorUnderTest.NAMESPACE).withName("etl-operator").get();
    assertTrue(operator.getSpec().getTemplate().getMetadata().getLabels().entrySet()
        .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()), "it selects the operator's pod");
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertEquals(1, policy.getSpec().getIngress().size());
    var rule = policy.getSpec().getIngress().get(0);
    assertEquals(List.of("monitoring"), rule.getFrom().get(0).getNamespaceSelector().getMatchExpressions().get(0).getValues());
    assertEquals(List.of(8080), rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList());
  }

  @Test
  void samplesOfDeployAreAcceptedByTheApiServer() {
    Path samples = kube.repositoryRoot().resolve("deploy/samples");
    KubectlResult applied = kube.kubectl("apply", "-k", samples.toString());
    assertTrue(applied.succeeded(), applied::toString);
    KubectlResult bigquery = kube.kubectl("apply", "-f", samples.resolve("destination-bigquery.yaml").toString());
    assertTrue(bigquery.succeeded(), bigquery::toString);
    KubectlResult listed = kube.kubectl("get", "etl", "-n", "etl-demo", "-o", "name");
    assertEquals(List.of("destination.etl.io/analytics", "destination.etl.io/warehouse", "pipeline.etl.io/shop-to-warehouse"),
        listed.stdout().lines().sorted().toList(), listed::toString);
  }

  private static String canI(String... args) {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("auth", "can-i"));
    command.addAll(java.util.List.of(args));
    return kube.kubectl(command.toArray(String[]::new)).stdout().trim();
  }

  private static void assertForbidden(Executable call) {
    KubernetesClientException e = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class, call);
    assertEquals(403, e.getCode(), e.getMessage());
  }
}
