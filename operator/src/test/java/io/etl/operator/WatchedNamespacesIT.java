package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ETL_WATCH_NAMESPACES limits the operator to the namespaces it names. */
class WatchedNamespacesIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  @Test
  void pipelinesOutsideTheWatchedNamespacesAreLeftAlone() throws Exception {
    try (OperatorUnderTest operator = OperatorUnderTest.install(kube, Set.of("watched"))) {
      OperatorUnderTest.createPipelineNamespace(kube, "watched");
      OperatorUnderTest.createPipelineNamespace(kube, "elsewhere");
      // created first, so the operator would have reached it before the watched one if it watched it
      kube.client().resource(Resources.pipeline("elsewhere", "p", Resources.local(5432, "db", "s"), "pub", "d",
          SlotReclaimPolicy.Retain)).create();
      kube.client().resource(Resources.pipeline("watched", "p", Resources.local(5432, "db", "s"), "pub", "d",
          SlotReclaimPolicy.Retain)).create();
      await("a status on watched/p", () -> Resources.get(kube.client(), "watched", "p").getStatus().phase);
      Pipeline ignored = Resources.get(kube.client(), "elsewhere", "p");
      assertNull(ignored.getStatus().phase, "the operator wrote the status of a Pipeline outside ETL_WATCH_NAMESPACES");
      assertTrue(ignored.getStatus().conditions.isEmpty(), "conditions on a Pipeline outside ETL_WATCH_NAMESPACES");
      assertTrue(ignored.getMetadata().getFinalizers().isEmpty(),
          "the operator put its finalizer on a Pipeline outside ETL_WATCH_NAMESPACES");
    }
  }
}
