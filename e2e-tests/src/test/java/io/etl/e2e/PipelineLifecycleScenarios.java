package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubectlResult;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.core.testing.ShellCommand;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Pipeline's whole life on the cluster, from deploy/samples pointed at the test's servers (an
 * overlay replaces the host names, ports and the change-me passwords; the roles, databases and
 * publication are the ones the samples name): the replicator pod is scheduled, runs, becomes Ready
 * through its readiness probe while a writer keeps changing the source; the status and
 * deploy/README.md's status, wait, port-forward and pause commands work as written; an edit rolls
 * the Deployment (the old pod ends with exit code 0 after SIGTERM); pause removes the pod and keeps
 * the slot, resume brings the rows written meanwhile; deletion removes the pod, then the slot and
 * the pipeline's rows in etl.*; with slotReclaimPolicy Retain, deletion keeps slot and state.
 */
abstract class PipelineLifecycleScenarios extends ClusterScenario {
  private static final String NS = "etl-demo";
  private static final String NAME = "shop-to-warehouse";
  private static final String STATUS = "## Status";

  @Test
  void theSamplePipelineCopiesStreamsRollsPausesResumesAndIsCleanedUp() throws Exception {
    String sourcePassword = UUID.randomUUID().toString();
    String destinationPassword = UUID.randomUUID().toString();
    SamplesDatabases.create(env, sourcePassword, destinationPassword);
    ShopPipeline shop = new ShopPipeline(env, NS, NAME, "shop", "warehouse");
    Path overlay = SamplesDatabases.overlay(env, sourcePassword, destinationPassword);

    try (Pods.Recorder pods = new Pods.Recorder(env.admin(), NS, Map.of("etl.io/pipeline", NAME));
        ChangeWriter writer = ChangeWriter.start(env.source(), shop.sourceDatabase, 1_000_000)) {
      assertKubectl(env.kubectl("apply", "-k", overlay.toString()));
      Pod first = shop.awaitPod("the replicator pod scheduled and running");
      shop.awaitReady(first);
      shop.awaitStreaming();
      env.sh(DEPLOY_README.under(STATUS, "kubectl -n etl-demo wait --for=condition=Ready pipeline/shop-to-warehouse"));
      writer.close();
      assertTrue(writer.transactions() > 0, "the writer wrote while the tables were copied");
      shop.assertConverged();
      assertStatusAndPrinterColumns(shop.get());
      assertAdminStatusThroughAPortForward();

      // an edit: a new config hash, a new ReplicaSet; the old pod gets SIGTERM and exits 0
      String oldRs = replicaSetOf(first);
      try (ChangeWriter during = ChangeWriter.start(env.source(), shop.sourceDatabase, 2_000_000)) {
        env.sh("kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"batch\":{\"maxEvents\":5000}}}'");
        Pod second = await("a pod of a new ReplicaSet", ShopPipeline.CONVERGE, () -> {
          Pod p = shop.pods().stream().filter(x -> !x.getMetadata().getUid().equals(first.getMetadata().getUid()))
              .filter(Pods::containerStarted).findFirst().orElse(null);
          return p != null && !replicaSetOf(p).equals(oldRs) ? p : null;
        }, shop::describe);
        assertNotNull(second);
        ContainerStateTerminated ended = await("the old pod's last state: terminated", Duration.ofMinutes(2), () -> {
          Pod last = pods.last(first.getMetadata().getUid());
          return last == null || Pods.container(last) == null || Pods.container(last).getState().getTerminated() == null
              ? null : Pods.container(last).getState().getTerminated();
        }, () -> String.valueOf(pods.last(first.getMetadata().getUid())));
        assertEquals(0, ended.getExitCode(), "the replicator's exit code after SIGTERM: " + ended);
        shop.awaitReady(second);
        shop.awaitStreaming();
      }
      shop.assertConverged();
      assertEquals(2, env.admin().apps().replicaSets().inNamespace(NS).withLabel("etl.io/pipeline", NAME).list().getItems().size(),
          "two ReplicaSets after one edit");

      // pause: no pod, the slot stays; rows written meanwhile arrive after resume
      env.sh(DEPLOY_README.under("## Pause and resume", "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":true}}'"));
      await("no replicator pod while paused", ShopPipeline.CONVERGE, () -> shop.pods().isEmpty(), shop::describe);
      await("phase Paused", ShopPipeline.CONVERGE, () -> "Paused".equals(String.valueOf(shop.get().getStatus().phase)), shop::describe);
      assertEquals(List.of(List.of("etl_shop_to_warehouse_apply", "false")), shop.slots(), "the slot kept, inactive");
      try (ChangeWriter meanwhile = ChangeWriter.start(env.source(), shop.sourceDatabase, 3_000_000)) {
        Thread.sleep(3_000);
      }
      env.source().executeIn(shop.sourceDatabase, "INSERT INTO customers SELECT g, 'while paused ' || g FROM generate_series(5001, 5300) g");
      env.sh(DEPLOY_README.under("## Pause and resume", "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":false}}'"));
      shop.awaitReady(shop.awaitPod("a replicator pod again after resume"));
      shop.awaitStreaming();
      shop.assertConverged();
    }
    env.sh("kubectl get pods,pipelines -A -o wide"); // logged: the state at the end of the lifecycle

    // delete (slotReclaimPolicy Delete): the pod goes, then the slot and the rows in etl.*
    env.sh("kubectl -n etl-demo delete pipeline shop-to-warehouse --wait=false");
    await("the Pipeline gone once its finalizer is done", ShopPipeline.CONVERGE, () -> shop.get() == null, shop::describe);
    assertEquals(List.of(), shop.pods(), "replicator pods after deletion");
    assertEquals(List.of(), shop.slots(), "slots after deletion");
    for (String table : List.of("pipelines", "table_states")) {
      assertEquals("0", env.source().queryOne(shop.sourceDatabase, "SELECT count(*) FROM etl." + table + " WHERE pipeline_id = 'shop_to_warehouse'"),
          "rows of the pipeline in etl." + table);
    }
    assertTrue(eventReasons(NS, NAME).contains("SlotsDropped"), "events: " + eventReasons(NS, NAME));
  }

  @Test
  void retainKeepsTheSlotAndTheStateWhenThePipelineIsDeleted() {
    ShopPipeline keep = new ShopPipeline(env, "keep", "keep").createDatabases(100, 500).reclaimPolicy("Retain").apply();
    keep.awaitReady(keep.awaitPod("keep's replicator pod"));
    keep.awaitStreaming();
    keep.assertConverged();
    env.sh("kubectl -n keep delete pipeline keep");
    assertEquals(List.of(), keep.pods(), "replicator pods after deletion");
    assertEquals(List.of(List.of("etl_keep_apply", "false")), keep.slots(), "the slot kept, inactive");
    assertEquals("1", env.source().queryOne(keep.sourceDatabase, "SELECT count(*) FROM etl.pipelines WHERE pipeline_id = 'keep'"));
    assertTrue(eventReasons("keep", "keep").contains("SlotRetained"), "events: " + eventReasons("keep", "keep"));
    env.source().execute("SELECT pg_drop_replication_slot('etl_keep_apply')");
  }

  private static List<String> eventReasons(String namespace, String name) {
    return env.admin().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
  }

  private static void assertStatusAndPrinterColumns(Pipeline ready) {
    assertEquals("2/2", ready.getStatus().tables.summary);
    assertEquals("etl_shop_to_warehouse_apply", ready.getStatus().slot.name);
    assertTrue(ready.getStatus().slot.active, "slot active");
    assertNotNull(ready.getStatus().slot.lagBytes, "lag");
    assertTrue(Resources.conditionIs(ready, "SlotHealthy", "True", "WalReserved"), Resources.describe(ready));
    assertTrue(Resources.conditionIs(ready, "SourceReachable", "True", null), Resources.describe(ready));
    String get = env.sh(DEPLOY_README.under(STATUS, "kubectl -n etl-demo get pipelines  "));
    String row = get.lines().filter(l -> l.startsWith(NAME + " ")).findFirst().orElseThrow(() -> new AssertionError(get));
    assertTrue(row.matches(NAME + "\\s+True\\s+Streaming\\s+2/2\\s+\\d+(\\.\\d)? (B|KiB|MiB)\\s+warehouse\\s+\\d+[smh].*"), get);
    String wide = env.sh(DEPLOY_README.under(STATUS, "kubectl -n etl-demo get pipelines -o wide"));
    assertTrue(wide.contains("etl_shop_to_warehouse_apply"), wide);
    env.sh(DEPLOY_README.under(STATUS, "kubectl -n etl-demo get destinations"));
    env.sh(DEPLOY_README.under(STATUS, "kubectl -n etl-demo describe pipeline"));
  }

  /** deploy/README.md's port-forward to the admin port on the pod's loopback, and its /status through it. */
  private static void assertAdminStatusThroughAPortForward() throws IOException, InterruptedException {
    Path log = env.scratch().resolve("port-forward.log");
    try (ShellCommand forward = env.shStart(DEPLOY_README.under("## The replicator pod", "kubectl -n etl-demo port-forward"), log)) {
      await("the port-forward listens", Duration.ofMinutes(1), () -> {
        if (!forward.isAlive()) {
          throw new AssertionError("the port-forward ended:\n" + forward.output());
        }
        return forward.output().contains("Forwarding from 127.0.0.1:9188");
      }, forward::output);
      String status = env.sh(DEPLOY_README.under("## The replicator pod", "curl -sS http://127.0.0.1:9188/status"));
      assertTrue(status.contains("\"phase\"") && status.contains("public.orders"), status);
    }
    assertTrue(Files.exists(log));
  }

  private static String replicaSetOf(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream().filter(o -> "ReplicaSet".equals(o.getKind()))
        .map(o -> o.getName()).findFirst().orElseThrow();
  }

  private static void assertKubectl(KubectlResult result) {
    assertTrue(result.succeeded(), result::toString);
  }
}
