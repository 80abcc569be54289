package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubectlResult;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.ResyncStatus;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/**
 * deploy/README.md's "Re-sync a table" on the cluster: a destination table that drifted (rows
 * deleted there by hand) is copied again after a kubectl patch of spec.resync; the pod rolls, the
 * replicator performs the request, status.resyncs says done and the destination equals the
 * source again; re-applying the same request does nothing.
 */
abstract class ResyncScenarios extends ClusterScenario {
  @Test
  void aPatchedResyncRequestCopiesTheDriftedTableAgainAndShowsDoneInTheStatus() {
    ShopPipeline shop = new ShopPipeline(env, "resync", "resync").createDatabases(200, 1_000).apply();
    Pod first = shop.awaitReady(shop.awaitPod("the replicator pod"));
    shop.awaitStreaming();
    shop.assertConverged();

    shop.destination().executeIn(shop.destinationDatabase, "DELETE FROM public.orders WHERE id <= 100");
    assertEquals(900, shop.count(shop.destination(), "orders"), "the destination drifted");

    KubectlResult patched = env.kubectl("-n", "resync", "patch", "pipeline", "resync", "--type", "merge", "-p",
        "{\"spec\":{\"resync\":[{\"table\":\"public.orders\",\"requestId\":\"e2e-orders-1\"}]}}");
    assertTrue(patched.succeeded(), patched::toString);
    await("a replicator pod other than the first", ShopPipeline.CONVERGE, () -> shop.pods().stream()
        .anyMatch(p -> !p.getMetadata().getUid().equals(first.getMetadata().getUid()) && Pods.ready(p)) ? true : null,
        shop::describe);
    ResyncStatus done = await("status.resyncs: e2e-orders-1 done", ShopPipeline.CONVERGE, () -> {
      Pipeline p = shop.get();
      return p.getStatus() == null || p.getStatus().resyncs == null ? null : p.getStatus().resyncs.stream()
          .filter(r -> r.requestId.equals("e2e-orders-1") && r.result.equals("done")).findFirst().orElse(null);
    }, shop::describe);
    assertEquals("public.orders", done.table);
    shop.assertConverged();
    assertEquals("2", copiesOfOrders(shop), "orders copied twice: first sync and the re-sync");

    // the pod restarts with the same config (as after Argo CD re-applies the manifest): no second copy
    String copies = copiesOfOrders(shop);
    Pod second = shop.pods().get(0);
    env.sh("kubectl -n resync delete pod " + second.getMetadata().getName() + " --wait=false");
    await("a replicator pod other than the second", ShopPipeline.CONVERGE, () -> shop.pods().stream()
        .anyMatch(p -> !p.getMetadata().getUid().equals(second.getMetadata().getUid()) && Pods.ready(p)) ? true : null,
        shop::describe);
    shop.awaitStreaming();
    shop.assertConverged();
    assertEquals(copies, copiesOfOrders(shop), "a recorded requestId is not performed again");
    assertEquals("1", shop.source().queryOne(shop.sourceDatabase,
        "SELECT count(*) FROM etl.resync_requests WHERE pipeline_id = 'resync'"));
    env.sh("kubectl -n resync delete pipeline resync --wait=false");
    await("the Pipeline gone once its finalizer is done", ShopPipeline.CONVERGE, () -> shop.get() == null, shop::describe);
  }

  /** Copies of orders the state store's history shows (each starts with data_sync): 2 after one re-sync. */
  private static String copiesOfOrders(ShopPipeline shop) {
    return shop.source().queryOne(shop.sourceDatabase, "SELECT count(*) FROM etl.table_state_history"
        + " WHERE pipeline_id = 'resync' AND table_oid = 'public.orders'::regclass AND phase = 'data_sync'");
  }
}
