package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's spool in its pod: the root filesystem is read-only, so a transaction the server
 * streams before its commit (2,000,000 rows of about 100 bytes, well past the server's
 * logical_decoding_work_mem) can only wait for its commit in the writable emptyDir at /tmp. The
 * volume on the node grows while the transaction streams, and the rows arrive whole.
 */
abstract class SpoolScenario extends ClusterScenario {
  private static final Logger log = LoggerFactory.getLogger(SpoolScenario.class);
  private static final int ROWS = 2_000_000;
  private static final Duration ARRIVE = Duration.ofMinutes(15);

  @Test
  void aTwoMillionRowTransactionStreamsThroughTheSpoolOnTheWritableVolume() throws Exception {
    ShopPipeline spool = new ShopPipeline(env, "spool", "spool").createDatabases(100, 100).apply();
    spool.awaitStreaming();
    Pod pod = spool.awaitPod("spool's replicator pod");
    Container replicator = pod.getSpec().getContainers().get(0);
    assertTrue(replicator.getSecurityContext().getReadOnlyRootFilesystem(), "the root filesystem is read-only");
    assertTrue(replicator.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp") && m.getName().equals("tmp")),
        "/tmp is volume tmp");
    long before = env.cluster().emptyDirBytes(pod, "tmp");

    AtomicLong largest = new AtomicLong(before);
    CompletableFuture<Void> insert = CompletableFuture.runAsync(() -> spool.source().executeIn(spool.sourceDatabase,
        "INSERT INTO customers SELECT g, repeat('x', 90) || g FROM generate_series(1000001, " + (1_000_000 + ROWS) + ") g"));
    await("the 2,000,000 rows in the destination", ARRIVE, () -> {
      largest.accumulateAndGet(env.cluster().emptyDirBytes(pod, "tmp"), Math::max);
      return insert.isDone() && spool.count(spool.destination(), "customers") == ROWS + 100;
    }, spool::describe);
    insert.join();
    log.info("the spool volume of {} held at most {} bytes while the transaction streamed ({} before)",
        pod.getMetadata().getName(), largest.get(), before);
    assertTrue(largest.get() > before + 50_000_000L, "the spool in volume tmp grew by " + (largest.get() - before) + " bytes");
    assertEquals(0, Pods.restarts(env.admin().pods().inNamespace("spool").withName(pod.getMetadata().getName()).get()),
        "the replicator was restarted (out of memory?)");
    spool.assertConverged();
    env.sh("kubectl -n spool delete pipeline spool");
    assertEquals(List.of(), spool.slots());
  }
}
