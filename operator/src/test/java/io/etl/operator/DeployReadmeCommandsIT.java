package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.ShellCommand;
import io.etl.operator.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kubectl commands of deploy/README.md (and the root README's short version of them), taken
 * from them and run exactly as written, with bash in
 * the repository's root, against a real API server with the operator running (as the
 * ServiceAccount of deploy/base): install, the per-namespace Secret grant, the samples, every
 * status command, pause and resume, and the skip-cleanup annotation. The samples' database hosts do
 * not exist here, so the sample Pipeline never streams; commands that wait for that
 * ({@code rollout status}, {@code wait --for=condition=Ready}) are listed in DocumentedCommandsIT
 * with where they do run.
 */
class DeployReadmeCommandsIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  private static final DocumentedCommands README = DocumentedCommands.of(kube.repositoryRoot().resolve("deploy/README.md"));
  private static final DocumentedCommands ROOT_README = DocumentedCommands.of(kube.repositoryRoot().resolve("README.md"));
  private static final String NS = "etl-demo";
  private static final String PIPELINE = "shop-to-warehouse";

  @Test
  void installSamplesStatusPauseAndSkipCleanupWorkAsDocumented() throws Exception {
    KubernetesClient admin = kube.client();
    run(README.under("## Install", "kubectl apply -k deploy/base"));
    try (OperatorUnderTest operator = OperatorUnderTest.start(kube, Set.of())) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("my-namespace").endMetadata().build())
          .create();
      run(README.under("## Install", "kubectl -n my-namespace create rolebinding"));
      RoleBinding binding = admin.rbac().roleBindings().inNamespace("my-namespace").withName("etl-operator-secret-reader").get();
      assertEquals("etl-operator-secret-reader", binding.getRoleRef().getName());
      assertEquals("etl-system/etl-operator",
          binding.getSubjects().get(0).getNamespace() + "/" + binding.getSubjects().get(0).getName());

      run(README.under("## Install", "kubectl apply -k deploy/samples"));
      Pipeline observed = await("the operator's status on the sample Pipeline", () -> {
        Pipeline p = pipeline(admin);
        return p.getStatus() != null && p.getStatus().phase != null ? p : null;
      });
      await("the operator's check of the sample Destination", () -> {
        Destination d = admin.resources(Destination.class).inNamespace(NS).withName("warehouse").get();
        return d.getStatus() != null && !d.getStatus().conditions.isEmpty();
      });

      String get = run(README.under("## Status", "kubectl -n etl-demo get pipelines  "));
      assertEquals(List.of("NAME", "READY", "PHASE", "TABLES", "LAG", "DESTINATION", "AGE"), header(get), get);
      assertTrue(get.contains(PIPELINE) && get.contains(observed.getStatus().phase.name()), get);
      String wide = run(README.under("## Status", "kubectl -n etl-demo get pipelines -o wide"));
      assertEquals(List.of("NAME", "READY", "PHASE", "TABLES", "LAG", "DESTINATION", "AGE", "SLOT", "WAL", "REASON"),
          header(wide), wide);
      String destinations = run(README.under("## Status", "kubectl -n etl-demo get destinations"));
      assertEquals(List.of("NAME", "TYPE", "READY", "AGE"), header(destinations), destinations);
      String described = run(README.under("## Status", "kubectl -n etl-demo describe pipeline"));
      assertTrue(described.contains("Conditions:") && described.contains("Phase:"), described);
      String all = run(README.under("## Status", "kubectl get etl -A"));
      assertTrue(all.contains("pipeline.etl.io/" + PIPELINE) && all.contains("destination.etl.io/warehouse"), all);

      run(README.under("## Pause and resume", "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":true}}'"));
      await("phase Paused", () -> pipeline(admin).getStatus().phase == PipelinePhase.Paused);
      run(README.under("## Pause and resume", "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":false}}'"));
      await("not paused any more", () -> pipeline(admin).getStatus().phase != PipelinePhase.Paused);

      run(README.under("## Re-sync a table", "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge"));
      // the API server took it (schema and CEL rules passed); the samples' hosts do not exist, so no
      // config is rendered here: PipelineResyncIT shows the request in the ConfigMap
      var resync = pipeline(admin).getSpec().resync;
      assertEquals(1, resync.size(), resync::toString);
      assertEquals("public.orders/2026-12-02-orders", resync.get(0).table + "/" + resync.get(0).requestId);

      run(README.under("## Deletion", "kubectl -n etl-demo annotate pipeline"));
      assertEquals("true", pipeline(admin).getMetadata().getAnnotations().get("etl.io/skip-cleanup"));

      // the root README's short version of the same: applying again changes nothing
      String section = "## On Kubernetes: the operator";
      run(ROOT_README.under(section, "kubectl apply -k deploy/base"));
      run(ROOT_README.under(section, "kubectl apply -k deploy/samples"));
      String everywhere = run(ROOT_README.under(section, "kubectl get pipelines -A -o wide"));
      assertEquals(List.of("NAMESPACE", "NAME", "READY", "PHASE", "TABLES", "LAG", "DESTINATION", "AGE", "SLOT", "WAL", "REASON"),
          header(everywhere), everywhere);
      assertTrue(everywhere.contains(NS) && everywhere.contains(PIPELINE), everywhere);
    }
  }

  private static Pipeline pipeline(KubernetesClient admin) {
    return admin.resources(Pipeline.class).inNamespace(NS).withName(PIPELINE).get();
  }

  private static List<String> header(String table) {
    return List.of(table.lines().findFirst().orElse("").trim().split("\\s+"));
  }

  /** Runs the command with bash in the repository's root; returns its output, failing unless it exits 0. */
  private static String run(String command) throws Exception {
    Path log = Files.createTempFile("kubectl", ".log");
    try {
      int code = ShellCommand.run(command, kube.repositoryRoot(), kube.shellEnvironment(), log, Duration.ofMinutes(2));
      String output = Files.readString(log);
      assertEquals(0, code, command + "\n" + output);
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
