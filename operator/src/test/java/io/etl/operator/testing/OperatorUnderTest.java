package io.etl.operator.testing;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.testing.KubectlResult;
import io.etl.operator.EtlOperator;
import io.etl.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Installs deploy/base with the real kubectl (CRDs, ServiceAccount, roles, bindings) and runs the
 * operator in this JVM as that ServiceAccount, so every call it makes passes RBAC exactly as in a
 * cluster. The operator Deployment from deploy/base is created too but never runs: there is no
 * kubelet.
 */
public final class OperatorUnderTest implements AutoCloseable {
  public static final String NAMESPACE = "etl-system";
  public static final String SERVICE_ACCOUNT = "etl-operator";
  public static final Duration OBSERVE_INTERVAL = Duration.ofSeconds(2);
  private final EtlOperator operator;

  private OperatorUnderTest(EtlOperator operator) {
    this.operator = operator;
  }

  public static OperatorUnderTest install(KubeControlPlane kube) throws IOException {
    return install(kube, Set.of());
  }

  /** @param watchNamespaces as ETL_WATCH_NAMESPACES; empty watches all */
  public static OperatorUnderTest install(KubeControlPlane kube, Set<String> watchNamespaces) throws IOException {
    KubectlResult applied = kube.kubectl("apply", "--server-side", "--force-conflicts", "-k", kube.repositoryRoot().resolve("deploy/base").toString());
    if (!applied.succeeded()) {
      throw new AssertionError("kubectl apply -k deploy/base failed: " + applied);
    }
    return start(kube, watchNamespaces);
  }

  /** Runs the operator as the ServiceAccount of deploy/base, which must be installed already. */
  public static OperatorUnderTest start(KubeControlPlane kube, Set<String> watchNamespaces) throws IOException {
    KubernetesClient asOperator = kube.clientAsServiceAccount(NAMESPACE, SERVICE_ACCOUNT);
    OperatorSettings settings = new OperatorSettings(watchNamespaces, "etl/replicator:test", OBSERVE_INTERVAL, NAMESPACE, 0);
    return new OperatorUnderTest(EtlOperator.start(asOperator, settings, false));
  }

  /** A namespace for Pipelines, with the RoleBinding that lets the operator read its Secrets. */
  public static void createPipelineNamespace(KubeControlPlane kube, String namespace) {
    kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    // the same binding as deploy/samples/rolebinding-secret-reader.yaml, in this namespace
    kube.client().rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("etl-operator-secret-reader").withNamespace(namespace).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "etl-operator-secret-reader")
        .addNewSubject().withKind("ServiceAccount").withName(SERVICE_ACCOUNT).withNamespace(NAMESPACE).endSubject()
        .build()).serverSideApply();
  }

  public int httpPort() {
    return operator.httpPort();
  }

  @Override
  public void close() {
    operator.close();
  }
}
