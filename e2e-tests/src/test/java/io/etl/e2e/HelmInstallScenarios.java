package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.operator.testing.Helm;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator installed with Helm instead of kustomize, as deploy/README.md's "Helm" section shows:
 * the kustomize install's operator objects are removed (the CRDs and the Pipelines stay), the chart
 * is installed with deploy/helm/values-e2e.yaml, and a Pipeline's lifecycle runs under it: its
 * replicator copies, streams and converges, and its deletion drops the slot. Afterwards the
 * kustomize install is put back, so the scenarios that follow find the environment they expect.
 */
abstract class HelmInstallScenarios extends ClusterScenario {
  private static final Logger log = LoggerFactory.getLogger(HelmInstallScenarios.class);
  private static final String HELM = "## Helm";

  @Test
  void theChartInstallsAnOperatorThatRunsAPipelineLifecycle() {
    // the operator's own objects of the kustomize install carry its name label; CRDs and namespace do not
    env.sh("kubectl delete -k deploy/overlays/e2e -l app.kubernetes.io/name=etl-operator --wait=true");
    await("no operator pod of the kustomize install", Duration.ofMinutes(2), () -> operatorPods().isEmpty(),
        () -> env.sh("kubectl -n etl-system get pods -o wide"));
    try {
      helm(DEPLOY_README.under(HELM, "helm install etl-operator deploy/helm/etl-operator --namespace etl-system -f deploy/helm/values-e2e.yaml --skip-crds"));
      env.sh(DEPLOY_README.under("## Install", "kubectl -n etl-system rollout status deploy/etl-operator"));
      String releases = helm(DEPLOY_README.under(HELM, "helm -n etl-system list"));
      assertTrue(releases.lines().anyMatch(l -> l.startsWith("etl-operator") && l.contains("deployed")), releases);
      List<Pod> pods = operatorPods();
      assertEquals(1, pods.size(), () -> env.sh("kubectl -n etl-system get pods -o wide"));
      assertEquals("docker.io/etl/operator:0.1.0-SNAPSHOT", pods.get(0).getSpec().getContainers().get(0).getImage());
      assertEquals("Helm", env.admin().apps().deployments().inNamespace("etl-system").withName("etl-operator").get()
          .getMetadata().getLabels().get("app.kubernetes.io/managed-by"));

      ShopPipeline pipeline = new ShopPipeline(env, "helm-installed", "helm-installed").createDatabases(300, 3_000).apply();
      pipeline.awaitReady(pipeline.awaitPod("the replicator pod of a Pipeline reconciled by the Helm-installed operator"));
      pipeline.awaitStreaming();
      pipeline.source().executeIn(pipeline.id, "INSERT INTO orders SELECT g, 1, 9.99 FROM generate_series(100001, 100500) g");
      pipeline.assertConverged();
      env.sh("kubectl -n helm-installed delete pipeline helm-installed");
      await("helm-installed's slots dropped", ShopPipeline.CONVERGE, () -> pipeline.get() == null && pipeline.slots().isEmpty(),
          pipeline::describe);
    } finally {
      helm(DEPLOY_README.under(HELM, "helm -n etl-system uninstall etl-operator"));
      env.sh(DEPLOY_README.under("### A node without a registry", "kubectl apply -k deploy/overlays/e2e"));
      env.sh(DEPLOY_README.under("## Install", "kubectl -n etl-system rollout status deploy/etl-operator"));
    }
  }

  private static String helm(String command) {
    Helm.Result result = Helm.sh(env.repositoryRoot(), env.cluster().shellEnvironment(), command);
    assertTrue(result.succeeded(), result::toString);
    log.info("$ {}\n{}", command, result.output().strip());
    return result.output();
  }

  private static List<Pod> operatorPods() {
    return env.admin().pods().inNamespace("etl-system").withLabel("app.kubernetes.io/name", "etl-operator").list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }
}
