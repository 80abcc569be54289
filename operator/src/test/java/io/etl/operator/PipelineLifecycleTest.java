package io.etl.operator;

import static io.etl.operator.testing.Eventually.await;
import static io.etl.operator.testing.Resources.conditionIs;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.testing.KubectlResult;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.pipeline.ReplicatorDeployment;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.PodRunner;
import io.etl.operator.testing.RenderedPolicy;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pipeline's whole life on a real API server, with the operator running as its ServiceAccount
 * under the RBAC of deploy/base, real PostgreSQL servers, and the replicator started from the
 * rendered pod spec: rendered (with the NetworkPolicy that admits only the operator's and the
 * monitoring namespace) → Ready with a real lag → kubectl get → edit rolls → pause keeps the
 * slot → delete drops it (Delete) or keeps it (Retain).
 */
class PipelineLifecycleTest {
  private static final Logger log = LoggerFactory.getLogger(PipelineLifecycleTest.class);
  private static final String NS = "shop";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static PostgresServer source;
  static PostgresServer destination;
  static OperatorUnderTest operator;
  static KubernetesClient admin;

  @TempDir
  static Path scratch;

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
  void pipelineIsRenderedRunsReportsRollsPausesAndIsCleanedUpOnDeletion() throws Exception {
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

    // the replicator, started from the pod spec, copies and streams; the status follows
    Pipeline ready;
    try (PodRunner pod = PodRunner.start(admin, deployment, scratch)) {
      ready = awaitReady("orders-sync", pod);
      assertEquals("2/2", ready.getStatus().tables.summary);
      assertEquals(PipelinePhase.Streaming, ready.getStatus().phase);
      assertEquals("etl_orders_sync_apply", ready.getStatus().slot.name);
      assertTrue(ready.getStatus().slot.active);
      assertNotNull(ready.getStatus().slot.lagBytes);
      assertTrue(ready.getStatus().slot.lag.matches("\\d+(\\.\\d)? (B|KiB|MiB)"), ready.getStatus().slot.lag);
      assertTrue(conditionIs(ready, "SlotHealthy", "True", "WalReserved"), describe(ready));
      assertTrue(conditionIs(ready, "SourceReachable", "True", null), describe(ready));
      assertConverged();

      source.execute("INSERT INTO orders SELECT g, 1, 2.50 FROM generate_series(3001, 3500) g");
      await("the streamed orders in the destination", () -> count(destination, "orders") == 3500);
      assertConverged();

      KubectlResult wait = kube.kubectl("wait", "-n", NS, "--for=condition=Ready", "pipeline/orders-sync", "--timeout=60s");
      assertTrue(wait.succeeded(), wait::toString);
      assertKubectlGetPipelines(ready);

      // an edit renders a new config hash on the pod template: the Deployment rolls
      patchSpec("orders-sync", "{\"batch\":{\"maxEvents\":500}}");
      Deployment rolled = await("a new config hash on the pod template",
          () -> { Deployment d = deployment("etl-orders-sync"); return hash.equals(hash(d)) ? null : d; });
      assertTrue(admin.configMaps().inNamespace(NS).withName("etl-orders-sync").get().getData().get("pipeline.yaml")
          .contains("maxEvents: 500"));
      await("status.configHash follows", () -> hash(rolled).equals(pipeline("orders-sync").getStatus().configHash));
      deployment = rolled;
    }

    // the roll: the new pod runs the new config
    try (PodRunner pod = PodRunner.start(admin, deployment, scratch)) {
      awaitReady("orders-sync", pod);
      source.execute("INSERT INTO customers SELECT g, 'late ' || g FROM generate_series(1001, 1100) g");
      await("customers after the roll", () -> count(destination, "customers") == 1100);

      // pause: 0 replicas; the kubelet stops the pod; the slot stays
      patchSpec("orders-sync", "{\"paused\":true}");
      await("0 replicas while paused", () -> deployment("etl-orders-sync").getSpec().getReplicas() == 0);
    }
    await("phase Paused", () -> pipeline("orders-sync").getStatus().phase == PipelinePhase.Paused,
        () -> describe(pipeline("orders-sync")));
    source.execute("INSERT INTO orders SELECT g, 2, 9.99 FROM generate_series(3501, 3600) g");
    assertEquals(List.of(List.of("etl_orders_sync_apply", "false")),
        source.query("postgres", "SELECT slot_name, active::text FROM pg_replication_slots WHERE slot_name LIKE 'etl_orders_sync%'"));

    patchSpec("orders-sync", "{\"paused\":false}");
    deployment = await("1 replica again", () -> {
      Deployment d = deployment("etl-orders-sync");
      return d.getSpec().getReplicas() == 1 ? d : null;
    });
    try (PodRunner pod = PodRunner.start(admin, deployment, scratch)) {
      awaitReady("orders-sync", pod);
      await("changes made while paused arrive", () -> count(destination, "orders") == 3600);
      assertConverged();

      // delete with slotReclaimPolicy Delete: the replicator is stopped first, then the slot dropped
      admin.resources(Pipeline.class).inNamespace(NS).withName("orders-sync").delete();
      await("the operator deletes the Deployment", () -> deployment("etl-orders-sync") == null);
    }
    await("the Pipeline is gone once its finalizer is done", () -> pipeline("orders-sync") == null);
    assertEquals("0", source.queryOne("postgres",
        "SELECT count(*) FROM pg_replication_slots WHERE slot_name ~ '^etl_orders_sync_(apply|sync_[0-9]+)$'"));
    assertEquals("0", source.queryOne("postgres", "SELECT count(*) FROM etl.table_states WHERE pipeline_id = 'orders_sync'"));
    assertEquals("0", source.queryOne("postgres", "SELECT count(*) FROM etl.pipelines WHERE pipeline_id = 'orders_sync'"));
    assertTrue(eventReasons("orders-sync").contains("SlotsDropped"), "events: " + eventReasons("orders-sync"));
  }

  @Test
  void retainKeepsTheSlotAndStateWhenThePipelineIsDeleted() throws Exception {
    // a database of its own: the tables of orders-sync in the other one are that pipeline's
    destination.execute("CREATE DATABASE keep");
    admin.resource(Resources.postgresDestination(NS, "keep-warehouse",
        Resources.local(destination.port(), "keep", "warehouse-credentials"))).create();
    admin.resource(Resources.pipeline(NS, "orders-keep", Resources.local(source.port(), "postgres", "source-credentials"),
        "shop_pub", "keep-warehouse", SlotReclaimPolicy.Retain)).create();
    Deployment deployment = await("Deployment etl-orders-keep", () -> deployment("etl-orders-keep"));
    try (PodRunner pod = PodRunner.start(admin, deployment, scratch)) {
      awaitReady("orders-keep", pod);
      admin.resources(Pipeline.class).inNamespace(NS).withName("orders-keep").delete();
      await("the operator deletes the Deployment", () -> deployment("etl-orders-keep") == null);
    }
    await("the Pipeline is gone", () -> pipeline("orders-keep") == null);
    assertEquals(List.of(List.of("etl_orders_keep_apply")),
        source.query("postgres", "SELECT slot_name FROM pg_replication_slots WHERE slot_name ~ '^etl_orders_keep_'"));
    assertEquals("1", source.queryOne("postgres", "SELECT count(*) FROM etl.pipelines WHERE pipeline_id = 'orders_keep'"));
    assertTrue(eventReasons("orders-keep").contains("SlotRetained"), "events: " + eventReasons("orders-keep"));
    source.execute("SELECT pg_drop_replication_slot('etl_orders_keep_apply')");
  }

  private void assertKubectlGetPipelines(Pipeline ready) {
    KubectlResult get = kube.kubectl("get", "pipelines", "-n", NS);
    assertTrue(get.succeeded(), get::toString);
    String[] lines = get.stdout().strip().split("\n");
    assertEquals(List.of("NAME", "READY", "PHASE", "TABLES", "LAG", "DESTINATION", "AGE"),
        List.of(lines[0].trim().split("\\s+")), get.stdout());
    String row = List.of(lines).stream().filter(l -> l.startsWith("orders-sync ")).findFirst().orElseThrow(
        () -> new AssertionError(get.stdout()));
    assertTrue(row.matches("orders-sync\\s+True\\s+Streaming\\s+2/2\\s+\\d+(\\.\\d)? (B|KiB|MiB)\\s+warehouse\\s+\\d+[smh].*"),
        get.stdout());
    KubectlResult wide = kube.kubectl("get", "pipelines", "-n", NS, "-o", "wide");
    assertTrue(wide.succeeded(), wide::toString);
    assertTrue(wide.stdout().contains("etl_orders_sync_apply"), wide.stdout());
    KubectlResult byShortName = kube.kubectl("get", "pl", "-n", NS);
    assertTrue(byShortName.stdout().contains("orders-sync"), byShortName::toString);
    log.info("kubectl get pipelines -n {} -o wide:\n{}", NS, wide.stdout());
  }

  private static Pipeline awaitReady(String name, PodRunner pod) {
    return await(name + " Ready=True", () -> {
      if (!pod.isAlive()) {
        throw new AssertionError("the replicator exited:\n" + pod.log());
      }
      Pipeline p = pipeline(name);
      return conditionIs(p, "Ready", "True", "Streaming") ? p : null;
    }, () -> describe(pipeline(name)) + "\nreplicator log:\n" + pod.log());
  }

  private static void assertConverged() {
    for (String table : new String[] {"customers", "orders"}) {
      await(table + " equal in source and destination", () ->
          source.contentFingerprint("postgres", "public." + table).equals(destination.contentFingerprint("postgres", "public." + table)));
    }
  }

  private static long count(PostgresServer server, String table) {
    return Long.parseLong(server.queryOne("postgres", "SELECT count(*) FROM public." + table));
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

  private static List<String> eventReasons(String name) {
    return admin.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .toList();
  }
}
