package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.ResyncStatus;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.state.PostgresStateStore;
import io.etl.core.state.ResyncRecord;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.pipeline.ReplicatorDeployment;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.resync on the real API server: a request renders into the ConfigMap's pipeline.yaml (so the
 * pod rolls and the replicator takes it at start-up), and status.resyncs shows what the state
 * store in the source records. No kubelet runs here, so the records are written through etl-core's
 * PostgresStateStore, the code the replicator writes them with; the replicator performing them is
 * TableResyncIT (replicator-image).
 */
class PipelineResyncIT {
  private static final String NS = "resync";

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
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(12,2))",
        "CREATE PUBLICATION shop_pub FOR TABLE orders");
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
  void aResyncRequestRendersIntoTheConfigRollsThePodAndItsRecordsShowInTheStatus() throws Exception {
    admin.resource(Resources.pipeline(NS, "orders-sync", Resources.local(source.port(), "postgres", "source-credentials"),
        "shop_pub", "warehouse", SlotReclaimPolicy.Delete)).create();
    Deployment first = await("Deployment etl-orders-sync", () -> deployment());
    assertFalse(pipelineYaml().contains("resync"), "no requests, no resync key:\n" + pipelineYaml());

    // as `kubectl patch pipeline orders-sync --type merge -p '{"spec":{"resync":[...]}}'` does it
    admin.resources(Pipeline.class).inNamespace(NS).withName("orders-sync").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"resync\":[{\"table\":\"public.orders\",\"requestId\":\"2026-12-02-orders\"},"
            + "{\"table\":\"public.nope\",\"requestId\":\"2026-12-02-nope\"}]}}");
    await("a new config hash on the pod template", () -> hash(deployment()).equals(hash(first)) ? null : true);
    String yaml = pipelineYaml();
    assertTrue(yaml.contains("resync:\n- table: \"public.orders\"\n  requestId: \"2026-12-02-orders\"\n"
        + "- table: \"public.nope\"\n  requestId: \"2026-12-02-nope\""), yaml);

    // what the replicator records when it starts with that config, through the same store code
    try (PostgresStateStore store = new PostgresStateStore(PipelineResyncIT::connect, "orders_sync")) {
      store.migrate();
      int oid = Integer.parseInt(source.queryOne("postgres", "SELECT 'orders'::regclass::oid"));
      store.updateTableState(oid, TableState.of(TablePhase.READY));
      store.resetForResync(oid, "public.orders", "2026-12-02-orders");
      store.refuseResync("2026-12-02-nope", "public.nope", ResyncRecord.UNKNOWN_TABLE,
          "table public.nope is not in publication shop_pub; add it to the publication or fix the name in resync (schema.table)");

      Map<String, ResyncStatus> started = await("status.resyncs lists both requests", () -> resyncs(2),
          () -> describe(pipeline()));
      assertEquals("started", started.get("2026-12-02-orders").result);
      assertEquals("public.orders", started.get("2026-12-02-orders").table);
      assertNotNull(started.get("2026-12-02-orders").requestedAt);
      assertNull(started.get("2026-12-02-orders").finishedAt);
      ResyncStatus refused = started.get("2026-12-02-nope");
      assertEquals("unknown_table", refused.result);
      assertEquals("table public.nope is not in publication shop_pub; add it to the publication or fix the name in"
          + " resync (schema.table)", refused.detail);
      assertNotNull(refused.finishedAt);

      store.updateTableState(oid, TableState.of(TablePhase.DATA_SYNC));
      store.updateTableState(oid, TableState.of(TablePhase.READY));
      ResyncStatus done = await("the re-sync shows done once the table is ready again", () -> {
        Map<String, ResyncStatus> now = resyncs(2);
        return now != null && "done".equals(now.get("2026-12-02-orders").result) ? now.get("2026-12-02-orders") : null;
      }, () -> describe(pipeline()));
      assertNotNull(done.finishedAt);
    }

    admin.resources(Pipeline.class).inNamespace(NS).withName("orders-sync").delete();
    await("the Pipeline is gone once its finalizer is done", () -> pipeline() == null);
    assertEquals("0", source.queryOne("postgres", "SELECT count(*) FROM etl.resync_requests"),
        "the clean-up removes the pipeline's re-sync records with its other rows");
  }

  private static java.sql.Connection connect() {
    try {
      return source.connect("postgres");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, ResyncStatus> resyncs(int expected) {
    Pipeline p = pipeline();
    List<ResyncStatus> listed = p == null || p.getStatus() == null ? null : p.getStatus().resyncs;
    if (listed == null || listed.size() != expected) {
      return null;
    }
    return listed.stream().collect(java.util.stream.Collectors.toMap(r -> r.requestId, r -> r));
  }

  private static String pipelineYaml() {
    return admin.configMaps().inNamespace(NS).withName("etl-orders-sync").get().getData().get("pipeline.yaml");
  }

  private static Pipeline pipeline() {
    return Resources.get(admin, NS, "orders-sync");
  }

  private static Deployment deployment() {
    return admin.apps().deployments().inNamespace(NS).withName("etl-orders-sync").get();
  }

  private static String hash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(ReplicatorDeployment.CONFIG_HASH_ANNOTATION);
  }
}
