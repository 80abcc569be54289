package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.DocumentedCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell command the READMEs show, and the test that runs it exactly as written, or why it
 * cannot run on a machine like the one CI uses. A command added to a README without a test fails
 * here: a documented command that nothing ran is how a broken run command once shipped.
 */
class DocumentedCommandsIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String JIB_NEEDS_A_REGISTRY = "not here: -Pjib with the default base pulls eclipse-temurin:17-jre"
      + " from a registry, and this machine reaches none; LocalBaseImageBuildIT runs the same profile on the local base";

  /** File → command → where it runs. */
  private static final Map<String, Map<String, Where>> COMMANDS = new LinkedHashMap<>();

  static {
    Map<String, Where> readme = new LinkedHashMap<>();
    readme.put("./mvnw -B -q package -DskipTests && java -cp 'replicator-image/target/lib/*' io.etl.replicator.demo.Demo",
        runBy("ReadmeCommandsIT", "the demo part, on the target/lib of the build's package phase"));
    readme.put("scripts/provision-control-plane.sh && scripts/provision-node.sh && ./mvnw -B verify",
        runBy(".ci/run", "CI's entry point, verbatim"));
    readme.put("./mvnw -B test", notHere("the unit tests alone; ./mvnw -B verify (.ci/run) runs exactly these as its test phase,"
        + " before the integration tests"));
    readme.put("./mvnw -B -pl e2e-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dit.test='*OnLocalNodeIT' -Dfailsafe.failIfNoSpecifiedTests=false",
        notHere("it is the e2e suite itself, alone; ./mvnw -B verify (.ci/run) runs the same classes as part of every test"));
    readme.put("./mvnw -B -q package -DskipTests", runBy("ReadmeCommandsIT", "checked to be the build the package phase runs"));
    readme.put("SOURCE_PASSWORD=… DESTINATION_PASSWORD=… java -cp 'replicator-image/target/lib/*' io.etl.replicator.Main path/to/pipeline.yaml",
        runBy("ReadmeCommandsIT", "placeholders filled in"));
    readme.put("GOOGLE_APPLICATION_CREDENTIALS=key.json ETL_BIGQUERY_TEST_PROJECT=my-project ./mvnw -B -pl etl-destinations -am verify"
        + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='BigQuery*' -Dfailsafe.failIfNoSpecifiedTests=false",
        notHere("needs a Google Cloud project and a service-account key; without them the same tests run against the"
            + " BigQuery emulator, as the command below"));
    readme.put("./mvnw -B -pl etl-destinations -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='BigQuery*' -Dfailsafe.failIfNoSpecifiedTests=false",
        runBy(".ci/run", "the same BigQuery tests run in CI's ./mvnw -B verify on a fresh clone, against the emulator they"
            + " provision; run verbatim by hand for issue 18, not nested inside a build (it would rebuild the modules the"
            + " running build tests)"));
    readme.put("scripts/provision-bigquery-emulator.sh",
        runBy("BigQueryEmulator", "as written, from the repository's root, before the BigQuery tests start the emulator"));
    readme.put("curl -sS -X POST http://127.0.0.1:9188/tables/public.orders/retry   # 202; 409 if not errored, 404 if unknown",
        runBy("PublicPortIT", "against a replicator with an errored table public.orders and the default admin port"));
    readme.put("./mvnw -B -pl operator,replicator-image -am package -Pjib -DskipTests   # both images, as tarballs",
        notHere(JIB_NEEDS_A_REGISTRY));
    readme.put("kubectl apply -k deploy/base          # CRDs, namespace etl-system, RBAC, the operator",
        runBy("DeployReadmeCommandsIT", "against a real API server"));
    readme.put("kubectl apply -k deploy/samples       # a namespace with a Destination and a Pipeline (edit the Secrets first)",
        runBy("DeployReadmeCommandsIT", "against a real API server"));
    readme.put("kubectl get pipelines -A -o wide", runBy("DeployReadmeCommandsIT", "against a real API server"));
    COMMANDS.put("README.md", readme);

    Map<String, Where> deploy = new LinkedHashMap<>();
    deploy.put("./mvnw -B -pl operator -am package -Pjib            # operator/target/jib-image.tar         -> etl/operator:0.1.0-SNAPSHOT",
        notHere(JIB_NEEDS_A_REGISTRY));
    deploy.put("./mvnw -B -pl replicator-image -am package -Pjib    # replicator-image/target/jib-image.tar -> etl/replicator:0.1.0-SNAPSHOT",
        notHere(JIB_NEEDS_A_REGISTRY));
    for (String load : List.of("docker load -i operator/target/jib-image.tar", "docker load -i replicator-image/target/jib-image.tar",
        "kind load image-archive operator/target/jib-image.tar", "kind load image-archive replicator-image/target/jib-image.tar")) {
      deploy.put(load, notHere("no Docker engine and no kind here; the images run from their tars in ImageEntrypointIT and"
          + " OperatorImageEntrypointIT"));
    }
    deploy.put("kubectl apply -k deploy/base                      # CRDs, etl-system, RBAC, operator",
        runBy("DeployReadmeCommandsIT", "against a real API server"));
    deploy.put("kubectl -n etl-system rollout status deploy/etl-operator",
        runBy("E2eEnvironment", "on the e2e suite's real node, after kubectl apply -k deploy/overlays/e2e, before every scenario"));
    for (String load : List.of("ctr -n k8s.io images import operator/target/jib-image.tar",
        "ctr -n k8s.io images import replicator-image/target/jib-image.tar",
        "ctr -n k8s.io images tag --force etl/operator:0.1.0-SNAPSHOT docker.io/etl/operator:0.1.0-SNAPSHOT",
        "ctr -n k8s.io images tag --force etl/replicator:0.1.0-SNAPSHOT docker.io/etl/replicator:0.1.0-SNAPSHOT")) {
      deploy.put(load, runBy("InstallScenarios", "against the e2e node's containerd (CONTAINERD_ADDRESS names its socket)"));
    }
    deploy.put("kubectl apply -k deploy/overlays/e2e",
        runBy("E2eEnvironment", "the e2e suite's install on its real node, with the images loaded as above"));
    deploy.put("kubectl -n my-namespace create rolebinding etl-operator-secret-reader"
        + " --clusterrole=etl-operator-secret-reader --serviceaccount=etl-system:etl-operator",
        runBy("DeployReadmeCommandsIT", "against a real API server"));
    deploy.put("kubectl apply -k deploy/samples", runBy("DeployReadmeCommandsIT", "against a real API server"));
    deploy.put("kubectl apply -k deploy/overlays/namespaced", runBy("NamespacedInstallIT", "against a real API server,"
        + " after deploy/base, then the operator runs as its ServiceAccount"));
    deploy.put("kubectl delete clusterrolebinding etl-operator --ignore-not-found    # when switching from deploy/base",
        runBy("NamespacedInstallIT", "after deploy/base was applied"));
    deploy.put("kubectl -n my-namespace create rolebinding etl-operator --clusterrole=etl-operator"
        + " --serviceaccount=etl-system:etl-operator", runBy("NamespacedInstallIT", "the namespace it then watches"));
    deploy.put("kubectl -n etl-demo port-forward deploy/etl-shop-to-warehouse 9188:9188",
        runBy("PipelineLifecycleScenarios", "on the e2e suite's real node, to the sample Pipeline's replicator pod"));
    deploy.put("curl -sS http://127.0.0.1:9188/status", runBy("PipelineLifecycleScenarios", "through that port-forward;"
        + " PublicPortIT runs it against a replicator on the default admin port too"));
    for (String status : List.of(
        "kubectl -n etl-demo get pipelines                    # READY PHASE TABLES LAG DESTINATION AGE",
        "kubectl -n etl-demo get pipelines -o wide            # + SLOT WAL REASON",
        "kubectl -n etl-demo get destinations                 # TYPE READY AGE",
        "kubectl -n etl-demo describe pipeline shop-to-warehouse   # conditions, per-table states, Events",
        "kubectl get etl -A                                    # every Pipeline and Destination",
        "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":true}}'",
        "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p '{\"spec\":{\"paused\":false}}'",
        "kubectl -n etl-demo annotate pipeline shop-to-warehouse etl.io/skip-cleanup=true",
        "kubectl -n etl-demo patch pipeline shop-to-warehouse --type merge -p"
            + " '{\"spec\":{\"resync\":[{\"table\":\"public.orders\",\"requestId\":\"2026-12-02-orders\"}]}}'")) {
      deploy.put(status, runBy("DeployReadmeCommandsIT", "against a real API server, on the samples"));
    }
    deploy.put("kubectl -n etl-demo wait --for=condition=Ready pipeline/shop-to-warehouse --timeout=15m",
        runBy("PipelineLifecycleScenarios", "on the e2e suite's real node, the samples pointed at the test's servers"));
    deploy.put("kubectl -n argocd patch configmap argocd-cm --type merge --patch-file deploy/argocd/argocd-cm-patch.yaml",
        runBy("ArgoCdConfigMapPatchIT", "against a real API server holding an argocd-cm with keys of its own"));
    deploy.put("scripts/provision-monitoring-tools.sh argocd-lua-health",
        runBy("ArgoCdHealthChecksIT", "as written, from the repository's root"));
    deploy.put("\"$(scripts/provision-monitoring-tools.sh --where argocd-lua-health)\" test deploy/argocd/resource_customizations",
        runBy("ArgoCdHealthChecksIT", "as written, from the repository's root; its output is checked case by case"));
    deploy.put("kubectl apply -k deploy/monitoring", notHere("needs the Prometheus Operator's CRDs (monitoring.coreos.com), which"
        + " no registry this machine reaches serves; PrometheusRulesIT runs the rules under promtool and MonitoringScenarios"
        + " checks every metric they and the dashboard read on real scrapes"));
    for (String helm : List.of("kubectl create namespace etl-system",
        "kubectl label namespace etl-system pod-security.kubernetes.io/enforce=restricted",
        "helm install etl-operator deploy/helm/etl-operator --namespace etl-system", "helm -n etl-system list",
        "helm upgrade etl-operator deploy/helm/etl-operator --namespace etl-system --set 'watchNamespaces={my-namespace}'"
            + " --set 'secretReaderNamespaces={my-namespace}'")) {
      deploy.put(helm, runBy("HelmChartIT", "against a real API server; the operator then runs as the chart's ServiceAccount"));
    }
    deploy.put("scripts/provision-helm.sh", runBy("Helm", "as written, from the repository's root, before the chart tests run helm"));
    deploy.put("scripts/provision-helm.sh --where", runBy("Helm", "right after it, for the path of the binary"));
    deploy.put("helm install etl-operator deploy/helm/etl-operator --namespace etl-system -f deploy/helm/values-e2e.yaml --skip-crds",
        runBy("HelmInstallScenarios", "on the e2e suite's real node, after the kustomize install's operator objects are deleted;"
            + " a Pipeline's lifecycle then runs under it"));
    deploy.put("helm -n etl-system uninstall etl-operator", runBy("HelmInstallScenarios", "at its end, before deploy/overlays/e2e is applied again"));
    COMMANDS.put("deploy/README.md", deploy);

    Map<String, Where> image = new LinkedHashMap<>();
    image.put("curl -sS -X POST -H \"Authorization: Bearer $(cat admin-token)\" http://127.0.0.1:9188/tables/public.orders/retry",
        runBy("AdminPortIT", "in a directory holding admin-token, against a replicator whose admin port asks for it"));
    image.put("./mvnw -pl replicator-image -am package -Pjib -DskipTests", notHere(JIB_NEEDS_A_REGISTRY));
    image.put("replicator-image/build-base-image.sh", runBy("LocalBaseImageBuildIT", "then the -Pjib build below"));
    image.put("./mvnw -pl replicator-image -am package -Pjib -DskipTests"
        + " -Djib.from.image=tar://$(pwd)/replicator-image/target/base-image.tar", runBy("LocalBaseImageBuildIT", "in the root"));
    COMMANDS.put("replicator-image/README.md", image);

    COMMANDS.put("bench/README.md", new LinkedHashMap<>()); // bench/run.sh is named in a heading; BenchRunIT runs it
  }

  @Test
  void everyCommandOfTheReadmesIsListedWithTheTestThatRunsIt() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Map<String, Where>> file : COMMANDS.entrySet()) {
      List<String> shown = DocumentedCommands.of(ROOT.resolve(file.getKey())).all();
      for (String command : shown) {
        if (!file.getValue().containsKey(command)) {
          problems.add(file.getKey() + " shows a command no test is listed for (run it in a test exactly as written, then"
              + " list it in DocumentedCommandsIT): " + command);
        }
      }
      for (String listed : file.getValue().keySet()) {
        if (!shown.contains(listed)) {
          problems.add(file.getKey() + " no longer shows a command listed in DocumentedCommandsIT: " + listed);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theTestsListedExist() {
    List<String> missing = COMMANDS.values().stream().flatMap(m -> m.values().stream())
        .filter(w -> w.test() != null && !exists(w.test())).map(Where::test).distinct().toList();
    assertEquals(List.of(), missing, "tests named in DocumentedCommandsIT that are not in the repository");
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertTrue(ci.contains("scripts/provision-control-plane.sh") && ci.contains("scripts/provision-node.sh")
        && ci.contains("./mvnw -B verify"), ci);
  }

  private static boolean exists(String test) {
    if (test.startsWith(".")) {
      return Files.isRegularFile(ROOT.resolve(test));
    }
    try (Stream<Path> files = Files.walk(ROOT, 12)) {
      return files.anyMatch(p -> p.getFileName().toString().equals(test + ".java") && p.toString().contains("/src/test/java/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Where(String test, String detail) {}

  private static Where runBy(String test, String detail) {
    return new Where(test, detail);
  }

  private static Where notHere(String why) {
    return new Where(null, why);
  }
}
