package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.conditionIs;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.pipeline.ReplicatorDeployment;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.RenderedPolicy;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the operator does with a Pipeline on a real API server, fast and in this JVM: the operator
 * runs as its ServiceAccount under the RBAC of deploy/base against real PostgreSQL servers, and no
 * replicator runs (there is no kubelet): rendered as specified (with the NetworkPolicy that admits
 * only the operator's and the monitoring namespace, a pod that is never BestEffort) → the status
 * before a replicator connects → an edit renders a new config hash → pause renders 0 replicas →
 * delete runs the finalizer. The replicator's pod doing its part (Ready, streaming, lag, rolls,
 * pause keeping the slot, delete dropping it, Retain keeping it) runs on a real node in e2e-tests
 * (PipelineLifecycleScenarios).
 */
class PipelineLifecycleIT {
  private static final String NS = "shop";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static PostgresServer source;
  static PostgresServer destination;
  static OperatorUnderTest operator;
  static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2))",
        "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g",
        "INSERT INTO orders SELECT g, 1 + g % 1000, g * 1.25 FROM generate_series(1, 3000) g",
        "CREATE PUBLICATION shop_pub FOR TABLE customers, orders");
    admin = kube.client();
    operator = OperatorUnderTest.install(kube);
    OperatorUnderTest.createPipelineNamespace(kube, NS);
    admin.resource(Resources.passwordSecret(NS, "source-credentials", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.passwordSecret(NS, "warehouse-credentials", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination(NS, "warehouse",
        Resources.local(destination.port(), "postgres", "warehouse-credentials"))).create();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (source != null) {
      source.close();
    }
    if (destination != null) {
      destination.close();
    }
  }

  @Test
  void pipelineIsRenderedReportsItsStateBeforeTheReplicatorRunsRollsOnEditsPausesAndIsDeleted() throws Exception {
    Destination warehouse = await("Destination warehouse Ready=True after its connectivity check", () -> {
      Destination d = admin.resources(Destination.class).inNamespace(NS).withName("warehouse").get();
      return d.getStatus() != null && d.getStatus().conditions.stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")) ? d : null;
    });
    assertEquals("Connected", warehouse.getStatus().conditions.get(0).getReason());
    // it reconciles only as the leader, through the Lease deploy/base's Role lets it hold
    var lease = admin.leases().inNamespace(OperatorUnderTest.NAMESPACE).withName(EtlOperator.LEASE_NAME).get();
    assertNotNull(lease, "leader-election Lease");
    assertNotNull(lease.getSpec().getHolderIdentity(), "a leader holds the Lease");

    admin.resource(Resources.pipeline(NS, "orders-sync", Resources.local(source.port(), "postgres", "source-credentials"),
        "shop_pub", "warehouse", SlotReclaimPolicy.Delete)).create();

    // rendered as specified
    Deployment deployment = await("Deployment etl-orders-sync", () -> deployment("etl-orders-sync"));
    ConfigMap config = admin.configMaps().inNamespace(NS).withName("etl-orders-sync").get();
    assertNotNull(config, "ConfigMap etl-orders-sync");
    String yaml = config.getData().get("pipeline.yaml");
    assertTrue(yaml.contains("publication: \"shop_pub\"") || yaml.contains("publication: shop_pub"), yaml);
    assertFalse(yaml.contains(PostgresServer.PASSWORD + "\n"), "a password in the ConfigMap:\n" + yaml);
    assertEquals(1, deployment.getSpec().getReplicas());
    assertEquals("Recreate", deployment.getSpec().getStrategy().getType());
    assertEquals("Pipeline", deployment.getMetadata().getOwnerReferences().get(0).getKind());
    assertFalse(deployment.getMetadata().getLabels().containsValue("from-gitops"), "the CR's labels reached the Deployment");
    assertNotNull(admin.services().inNamespace(NS).withName("etl-orders-sync-metrics").get(), "metrics Service");
    assertPodIsNotBestEffort(deployment);
    RenderedPolicy.assertOnlyMetricsFrom(admin, deployment, List.of(OperatorUnderTest.NAMESPACE, "monitoring"));
    Pipeline pending = await("status before the replicator runs", () -> {
      Pipeline p = pipeline("orders-sync");
      return conditionIs(p, "Ready", "False", "ReplicatorStarting") ? p : null;
    }, () -> describe(pipeline("orders-sync")));
    assertEquals(PipelinePhase.Pending, pending.getStatus().phase);
    assertEquals("0/2", pending.getStatus().tables.summary);
    String hash = hash(deployment);
    assertEquals(hash, pending.getStatus().configHash);

    // an edit renders a new config hash on the pod template: the Deployment rolls
    patchSpec("orders-sync", "{\"batch\":{\"maxEvents\":500}}");
    Deployment rolled = await("a new config hash on the pod template",
        () -> { Deployment d = deployment("etl-orders-sync"); return hash.equals(hash(d)) ? null : d; });
    assertTrue(admin.configMaps().inNamespace(NS).withName("etl-orders-sync").get().getData().get("pipeline.yaml")
        .contains("maxEvents: 500"));
    await("status.configHash follows", () -> hash(rolled).equals(pipeline("orders-sync").getStatus().configHash));

    // pause: 0 replicas, phase Paused; resume: 1 replica
    patchSpec("orders-sync", "{\"paused\":true}");
    await("0 replicas while paused", () -> deployment("etl-orders-sync").getSpec().getReplicas() == 0);
    await("phase Paused", () -> pipeline("orders-sync").getStatus().phase == PipelinePhase.Paused,
        () -> describe(pipeline("orders-sync")));
    patchSpec("orders-sync", "{\"paused\":false}");
    await("1 replica again", () -> deployment("etl-orders-sync").getSpec().getReplicas() == 1);

    // delete: the finalizer removes the Deployment, runs the clean-up on the source, and lets the Pipeline go
    admin.resources(Pipeline.class).inNamespace(NS).withName("orders-sync").delete();
    await("the operator deletes the Deployment", () -> deployment("etl-orders-sync") == null);
    await("the Pipeline is gone once its finalizer is done", () -> pipeline("orders-sync") == null);
  }

  /** As `kubectl patch --type merge` does it: no read-modify-write race with the operator's status writes. */
  private static void patchSpec(String name, String specJson) {
    admin.resources(Pipeline.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + specJson + "}");
  }

  private static Pipeline pipeline(String name) {
    return Resources.get(admin, NS, name);
  }

  /**
   * The API server works out a pod's QoS class when it admits it: a pod from the rendered template,
   * without a kubelet to run it, shows what the replicator's pod gets.
   */
  private static void assertPodIsNotBestEffort(Deployment deployment) {
    io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("qos-of-the-template").withNamespace(NS).endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
    io.fabric8.kubernetes.api.model.Pod admitted = admin.resource(pod).create();
    try {
      assertEquals("Burstable", admitted.getStatus().getQosClass());
      assertEquals("2Gi", deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
          .filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow().getEmptyDir().getSizeLimit().toString());
    } finally {
      admin.resource(admitted).withGracePeriod(0).delete();
    }
  }

  private static Deployment deployment(String name) {
    return admin.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private static String hash(Deployment d) {
    Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations.get(ReplicatorDeployment.CONFIG_HASH_ANNOTATION);
  }
}
