package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.conditionIs;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.RenderedPolicy;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * deploy/overlays/namespaced, installed with the commands of deploy/README.md as written: the
 * operator's ServiceAccount may write (Deployments, ConfigMaps, Services, NetworkPolicies) only in
 * the namespace that binds it, not in kube-system; run as that ServiceAccount and watching that
 * namespace it still does its whole job there (render, stream, report, delete and drop the slot);
 * told to watch a namespace without the binding, it refuses to start and names it.
 */
class NamespacedInstallIT {
  private static final String NS = "my-namespace";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  private static final DocumentedCommands README = DocumentedCommands.of(kube.repositoryRoot().resolve("deploy/README.md"));

  static PostgresServer source;
  static PostgresServer destination;
  static KubernetesClient admin;
  static KubernetesClient asOperator;

  @BeforeAll
  static void install() throws Exception {
    admin = kube.client();
    // a cluster that ran deploy/base first, then switches, as the README's section says
    run(README.under("## Install", "kubectl apply -k deploy/base"));
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("unbound").endMetadata().build()).create();
    for (String command : README.under("### Namespaced install")) {
      run(command);
    }
    run(README.under("## Install", "kubectl -n my-namespace create rolebinding etl-operator-secret-reader"));
    asOperator = kube.clientAsServiceAccount(OperatorUnderTest.NAMESPACE, OperatorUnderTest.SERVICE_ACCOUNT);
  }

  @AfterAll
  static void stop() {
    if (source != null) {
      source.close();
    }
    if (destination != null) {
      destination.close();
    }
  }

  @Test
  void theOverlayDropsTheClusterWideBindingAndWatchesNamedNamespaces() {
    assertNull(admin.rbac().clusterRoleBindings().withName("etl-operator").get(),
        "ClusterRoleBinding etl-operator is still there: the operator could write in every namespace");
    Deployment operator = admin.apps().deployments().inNamespace(OperatorUnderTest.NAMESPACE).withName("etl-operator").get();
    EnvVar watched = operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("ETL_WATCH_NAMESPACES")).findFirst().orElseThrow();
    assertEquals("etl-demo", watched.getValue(), "the overlay's example namespace, as deploy/samples creates it");
  }

  @Test
  void theOperatorCannotWriteInKubeSystemNorInANamespaceThatDoesNotBindIt() {
    for (String namespace : List.of("kube-system", "unbound")) {
      KubernetesClientException e = assertThrows(KubernetesClientException.class,
          () -> asOperator.resource(deployment(namespace)).create(), "created a Deployment in " + namespace);
      assertEquals(403, e.getCode(), e.getMessage());
      for (HasMetadata child : List.of(configMap(namespace), service(namespace), networkPolicy(namespace))) {
        KubernetesClientException refused = assertThrows(KubernetesClientException.class,
            () -> asOperator.resource(child).create(), "created a " + child.getKind() + " in " + namespace);
        assertEquals(403, refused.getCode(), refused.getMessage());
      }
      assertNull(admin.apps().deployments().inNamespace(namespace).withName("etl-intruder").get());
    }
    String as = "--as=system:serviceaccount:etl-system:etl-operator";
    assertEquals("no", canI(as, "create", "deployments.apps", "-n", "kube-system"));
    assertEquals("no", canI(as, "patch", "configmaps", "-n", "kube-system"));
    assertEquals("no", canI(as, "list", "pipelines.etl.io", "--all-namespaces"));
    assertEquals("yes", canI(as, "create", "deployments.apps", "-n", NS));
    assertEquals("yes", canI(as, "patch", "networkpolicies.networking.k8s.io", "-n", NS));
    assertEquals("yes", canI(as, "get", "secrets", "-n", NS));
  }

  @Test
  void watchingANamespaceWithoutTheBindingIsRefusedAtStartNamingIt() {
    NamespaceAccess.MissingAccessException e = assertThrows(NamespaceAccess.MissingAccessException.class,
        () -> OperatorUnderTest.start(kube, Set.of(NS, "unbound")).close());
    assertEquals("the operator may not watch pipelines.etl.io in namespace unbound, patch deployments.apps in namespace"
        + " unbound. Fix: in each such namespace bind ClusterRole etl-operator to the operator's ServiceAccount, e.g."
        + " kubectl -n <namespace> create rolebinding etl-operator --clusterrole=etl-operator"
        + " --serviceaccount=etl-system:etl-operator.", e.getMessage());
    NamespaceAccess.MissingAccessException all = assertThrows(NamespaceAccess.MissingAccessException.class,
        () -> OperatorUnderTest.start(kube, Set.of()).close());
    assertTrue(all.getMessage().startsWith("the operator may not watch pipelines.etl.io in all namespaces"), all.getMessage());
  }

  @Test
  void inTheWatchedNamespaceTheOperatorDoesItsWholeJob() throws Exception {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(12,2))",
        "INSERT INTO orders SELECT g, g * 1.25 FROM generate_series(1, 500) g",
        "CREATE PUBLICATION shop_pub FOR TABLE orders");
    admin.resource(Resources.passwordSecret(NS, "source-credentials", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.passwordSecret(NS, "warehouse-credentials", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination(NS, "warehouse",
        Resources.local(destination.port(), "postgres", "warehouse-credentials"))).create();
    try (OperatorUnderTest operator = OperatorUnderTest.start(kube, Set.of(NS))) {
      admin.resource(Resources.pipeline(NS, "orders", Resources.local(source.port(), "postgres", "source-credentials"),
          "shop_pub", "warehouse", SlotReclaimPolicy.Delete)).create();
      Deployment deployment = await("Deployment etl-orders",
          () -> admin.apps().deployments().inNamespace(NS).withName("etl-orders").get(), () -> describe(pipeline()));
      assertNotNull(admin.configMaps().inNamespace(NS).withName("etl-orders").get(), "ConfigMap etl-orders");
      assertNotNull(admin.services().inNamespace(NS).withName("etl-orders-metrics").get(), "metrics Service");
      RenderedPolicy.assertOnlyMetricsFrom(admin, deployment, List.of(OperatorUnderTest.NAMESPACE, "monitoring"));

      // what the operator itself does in the namespace; the replicator's pod streaming from there is the
      // e2e suite's (e2e-tests: PipelineLifecycleScenarios, on a real node)
      Pipeline observed = await("orders observed: the source read with the namespace's Secret", () -> {
        Pipeline p = pipeline();
        return conditionIs(p, "SourceReachable", "True", null) && conditionIs(p, "Ready", "False", "ReplicatorStarting") ? p : null;
      }, () -> describe(pipeline()));
      assertEquals(PipelinePhase.Pending, observed.getStatus().phase);
      assertEquals("0/1", observed.getStatus().tables.summary);
      assertTrue(admin.v1().events().inNamespace(NS).list().getItems().stream()
          .anyMatch(e -> "orders".equals(e.getInvolvedObject().getName())), "the operator's Events in " + NS);

      admin.resources(Pipeline.class).inNamespace(NS).withName("orders").delete();
      await("the operator deletes the Deployment", () -> admin.apps().deployments().inNamespace(NS).withName("etl-orders").get() == null);
      await("the Pipeline is gone once its finalizer is done", () -> pipeline() == null);
      assertEquals("0", source.queryOne("postgres", "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'etl\\_orders\\_%'"));
    }
  }

  private static Pipeline pipeline() {
    return Resources.get(admin, NS, "orders");
  }

  private static Deployment deployment(String namespace) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("etl-intruder").withNamespace(namespace).endMetadata()
        .withNewSpec()
          .withNewSelector().addToMatchLabels("app", "intruder").endSelector()
          .withNewTemplate()
            .withNewMetadata().addToLabels("app", "intruder").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static HasMetadata configMap(String namespace) {
    return new ConfigMapBuilder().withNewMetadata().withName("etl-intruder").withNamespace(namespace).endMetadata().build();
  }

  private static HasMetadata service(String namespace) {
    return new ServiceBuilder().withNewMetadata().withName("etl-intruder").withNamespace(namespace).endMetadata()
        .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build();
  }

  private static HasMetadata networkPolicy(String namespace) {
    return new NetworkPolicyBuilder().withNewMetadata().withName("etl-intruder").withNamespace(namespace).endMetadata()
        .withNewSpec().withNewPodSelector().endPodSelector().endSpec().build();
  }

  private static String canI(String... args) {
    List<String> command = new ArrayList<>(List.of("auth", "can-i"));
    command.addAll(List.of(args));
    return kube.kubectl(command.toArray(String[]::new)).stdout().trim();
  }

  /** Runs the command with bash in the repository's root, failing unless it exits 0. */
  private static void run(String command) throws Exception {
    Path log = Files.createTempFile("kubectl", ".log");
    try {
      int code = ShellCommand.run(command, kube.repositoryRoot(), kube.shellEnvironment(), log, Duration.ofMinutes(2));
      assertEquals(0, code, command + "\n" + Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
