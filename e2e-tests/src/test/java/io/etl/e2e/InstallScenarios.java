package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etl.operator.EtlOperator;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The install as a user does it (the environment ran deploy/README.md's commands: {@code kubectl
 * apply -k} of base through the e2e overlay, then {@code rollout status}): the operator is a pod
 * from its image, under its ServiceAccount and RBAC, holding the leader Lease, admitted under the
 * restricted Pod Security Standard; and a new operator pod takes over when the old one is killed
 * in the middle of a reconcile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InstallScenarios extends ClusterScenario {
  static final String SYSTEM = "etl-system";

  @Test
  @Order(1)
  void theOperatorRunsAsAPodFromItsImageUnderItsServiceAccountAndHoldsTheLease() {
    Pod operator = operatorPod();
    assertEquals("etl-operator", operator.getSpec().getServiceAccountName());
    assertEquals("docker.io/etl/operator:0.1.0-SNAPSHOT", operator.getSpec().getContainers().get(0).getImage());
    assertEquals("IfNotPresent", operator.getSpec().getContainers().get(0).getImagePullPolicy());
    assertTrue(Pods.ready(operator), Pods.summary(operator));
    assertNotNull(Pods.container(operator).getImageID(), "the runtime's image id");
    assertEquals(operator.getMetadata().getName(), leaseHolder(), "the Lease holder is the operator's pod");

    // the namespace enforces restricted, and every pod of the install was admitted under it
    Namespace system = env.admin().namespaces().withName(SYSTEM).get();
    assertEquals("restricted", system.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
    List<String> refused = env.admin().v1().events().inNamespace(SYSTEM).list().getItems().stream()
        .filter(e -> "FailedCreate".equals(e.getReason())).map(Event::getMessage).toList();
    assertEquals(List.of(), refused, "pods refused in " + SYSTEM);

    // the ServiceAccount's RBAC, as the API server decides it for the pod's token
    String as = "--as=system:serviceaccount:etl-system:etl-operator";
    assertEquals("yes", canI(as, "watch", "pipelines.etl.io", "--all-namespaces"));
    assertEquals("yes", canI(as, "create", "deployments.apps", "-n", "default"));
    assertEquals("no", canI(as, "list", "secrets", "--all-namespaces"));
    assertEquals("no", canI(as, "create", "pods", "-n", SYSTEM));
    env.sh("kubectl -n etl-system get deploy,rs,pods,lease -o wide");
  }

  @Test
  @Order(2)
  void theReadmesImageCommandsLoadTheImagesUnderTheNamesTheKubeletLooksUp() {
    assumeTrue(env.cluster().shellEnvironment().containsKey("CONTAINERD_ADDRESS"),
        "the node's containerd runs inside k3s's container, not on this host: the images were loaded with k3s's own ctr");
    for (String command : DEPLOY_README.under("### A node without a registry")) {
      if (command.startsWith("ctr ")) {
        env.sh(command);
      }
    }
    String images = env.sh("ctr -n k8s.io images ls -q");
    assertTrue(images.contains("docker.io/etl/operator:0.1.0-SNAPSHOT") && images.contains("docker.io/etl/replicator:0.1.0-SNAPSHOT"),
        images);
  }

  @Test
  @Order(3)
  void aNewOperatorPodTakesTheLeaseAndCarriesOnWhenTheOldOneIsKilledDuringAReconcile() throws Exception {
    Pod old = operatorPod();
    ShopPipeline pipeline = new ShopPipeline(env, "failover", "failover").createDatabases(200, 2_000).apply();
    // the reconcile is under way: the operator has rendered the Deployment, the status is not Ready yet
    await("the operator renders failover's Deployment", ShopPipeline.CONVERGE, pipeline::deployment, pipeline::describe);
    env.sh("kubectl -n etl-system delete pod " + old.getMetadata().getName() + " --grace-period=0 --force");
    Pod replacement = await("a new operator pod, Ready", Duration.ofMinutes(3), () -> {
      List<Pod> pods = operatorPods().stream()
          .filter(p -> !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && Pods.ready(p)).toList();
      return pods.size() == 1 ? pods.get(0) : null;
    }, () -> env.sh("kubectl -n etl-system get pods -o wide"));
    await("the new pod holds the Lease", Duration.ofMinutes(2),
        () -> replacement.getMetadata().getName().equals(leaseHolder()), () -> "holder " + leaseHolder());
    pipeline.awaitStreaming();
    pipeline.source().executeIn(pipeline.id, "INSERT INTO orders SELECT g, 1, 9.99 FROM generate_series(100001, 100500) g");
    pipeline.assertConverged();

    env.sh("kubectl -n failover delete pipeline failover");
    await("failover's slots dropped", ShopPipeline.CONVERGE, () -> pipeline.get() == null && pipeline.slots().isEmpty(),
        pipeline::describe);
  }

  private static Pod operatorPod() {
    return await("one operator pod, Ready", Duration.ofMinutes(2), () -> {
      List<Pod> pods = operatorPods();
      return pods.size() == 1 && Pods.ready(pods.get(0)) ? pods.get(0) : null;
    }, () -> env.sh("kubectl -n etl-system get pods -o wide"));
  }

  private static List<Pod> operatorPods() {
    return env.admin().pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", "etl-operator").list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static String leaseHolder() {
    Lease lease = env.admin().leases().inNamespace(SYSTEM).withName(EtlOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static String canI(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("auth", "can-i"));
    command.addAll(List.of(args));
    return env.kubectl(command.toArray(String[]::new)).stdout().trim();
  }
}
