package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * deploy/argocd's health checks judged on live objects: a Pipeline is driven through the states an
 * Argo CD user sees (copying, healthy, an errored table, paused; a refused password, an edit the
 * operator has not seen yet, deleting with a clean-up that cannot log in) and, in each, the operator's real status is run through health.lua
 * by the Lua runner that the offline test (operator's ArgoCdHealthChecksIT) uses, as Argo CD runs
 * it. With {@code -Detl.e2e.captureArgoCdTestdata=true} each object is also written to the check's
 * testdata/, which is how those files were made: they are statuses this operator wrote, trimmed of
 * the server's bookkeeping (managedFields, uid, resourceVersion).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ArgoCdHealthScenarios extends ClusterScenario {
  private static final String NS = "argocd-health";
  private static final Path CHECKS = E2eEnvironment.ROOT.resolve("deploy/argocd/resource_customizations/etl.io");
  private static final boolean CAPTURE = Boolean.getBoolean("etl.e2e.captureArgoCdTestdata");

  @Test
  @Order(1)
  void aPipelineCopyingStreamingWithAnErroredTableAndPausedIsJudgedAsArgoCdShouldShowIt() {
    // enough rows that the copy outlasts a few observations of the source (every 3 s on this overlay)
    ShopPipeline shop = new ShopPipeline(env, NS, "health").createDatabases(1_000, 1_500_000).apply();
    await("the Destination checked", ShopPipeline.CONVERGE, () -> destinationReady(shop), shop::describe);
    assertVerdict("Destination", NS, "health-sink", "healthy", "Healthy", "");

    Pipeline copying = await("phase Copying observed for the current generation", ShopPipeline.CONVERGE, () -> {
      Pipeline p = shop.get();
      return p != null && p.getStatus() != null && "Copying".equals(String.valueOf(p.getStatus().phase)) && current(p) ? p : null;
    }, shop::describe);
    assertTrue(copying.getStatus().tables.ready < 2, Resources.describe(copying));
    assertVerdict("Pipeline", NS, "health", "copying", "Progressing", "Copying: tables ");

    shop.awaitStreaming();
    shop.assertConverged();
    await("Streaming observed for the current generation", ShopPipeline.CONVERGE, () -> current(shop.get()), shop::describe);
    assertVerdict("Pipeline", NS, "health", "healthy", "Healthy", "Streaming: tables 2/2 ready, 0 copying, 0 errored");

    // the destination refuses a row the source accepts (NOT VALID: the copied rows stay): orders goes errored
    shop.destination().executeIn(shop.destinationDatabase,
        "ALTER TABLE public.orders ADD CONSTRAINT refuse_large CHECK (amount < 1000000) NOT VALID");
    shop.source().executeIn(shop.sourceDatabase, "INSERT INTO orders VALUES (99000001, 1, 5000000)");
    await("Stalled=True: TablesErrored", ShopPipeline.CONVERGE,
        () -> Resources.conditionIs(shop.get(), "Stalled", "True", "TablesErrored"), shop::describe);
    assertVerdict("Pipeline", NS, "health", "errored-table", "Degraded", "TablesErrored: 1 table(s) errored (public.orders)");
    // whoever may get pipelines reads the status: the refused row's values stay in the replicator's log and /status
    String reasons = String.valueOf(shop.get().getStatus().tableStates.stream().map(t -> t.reason).toList());
    assertTrue(reasons.contains("violates check constraint \"refuse_large\""), reasons);
    String events = env.sh("kubectl -n " + NS + " get events --field-selector involvedObject.kind=Pipeline -o yaml");
    for (String value : List.of("99000001", "5000000")) {
      assertFalse(reasons.contains(value), value + " in the Pipeline status: " + reasons);
      assertFalse(events.contains(value), value + " in an Event:\n" + events);
    }

    env.sh("kubectl -n argocd-health patch pipeline health --type merge -p '{\"spec\":{\"paused\":true}}'");
    await("phase Paused", ShopPipeline.CONVERGE, () -> {
      Pipeline p = shop.get();
      return "Paused".equals(String.valueOf(p.getStatus().phase)) && current(p);
    }, shop::describe);
    assertVerdict("Pipeline", NS, "health", "paused", "Suspended", "Paused: ");

    env.sh("kubectl -n argocd-health delete pipeline health");
    assertEquals(0, shop.slots().size(), "slots after deletion");
  }

  @Test
  @Order(2)
  void aRefusedPasswordIsDegradedAndADeletionWaitingForItsCleanupIsProgressing() {
    ShopPipeline bad = new ShopPipeline(env, NS, "refused").createDatabases(10, 10).apply("not-the-password", "");
    // Stalled=True comes first for the Destination not checked yet; wait for the password's turn
    await("Stalled=True for the refused password", ShopPipeline.CONVERGE, () -> {
      Pipeline p = bad.get();
      return Resources.conditionIs(p, "Stalled", "True", null) && current(p)
          && Resources.condition(p, "Stalled").getMessage().contains("rejected the password");
    }, bad::describe);
    assertVerdict("Pipeline", NS, "refused", "auth-failure", "Degraded", "rejected the password");

    // a Destination whose password is refused: its check fails
    env.cluster().kubectlWithInput("""
        apiVersion: etl.io/v1alpha1
        kind: Destination
        metadata: {name: refused-password-sink, namespace: %s}
        spec:
          type: postgres
          postgres: {host: %s, port: %d, database: refused, user: postgres, passwordSecretRef: {name: refused-postgres, key: password}}
        """.formatted(NS, env.serverHost(), env.destination().port()), "apply", "-f", "-");
    await("the refused Destination checked", ShopPipeline.CONVERGE, () -> {
      return destinationReadyIs(NS, "refused-password-sink", "False");
    }, bad::describe);
    assertVerdict("Destination", NS, "refused-password-sink", "auth-failure", "Degraded", "rejected the password");

    // an edit the operator has not seen yet: with the operator stopped, the status stays a generation behind
    env.sh("kubectl -n etl-system scale deploy/etl-operator --replicas=0");
    await("no operator pod", ShopPipeline.CONVERGE,
        () -> env.admin().pods().inNamespace("etl-system").withLabel("app.kubernetes.io/name", "etl-operator").list().getItems().isEmpty(),
        bad::describe);
    env.sh("kubectl -n argocd-health patch pipeline refused --type merge -p '{\"spec\":{\"batch\":{\"maxEvents\":5000}}}'");
    assertVerdict("Pipeline", NS, "refused", "edited", "Progressing", "Waiting for the operator to observe generation 2");
    env.sh("kubectl -n etl-system scale deploy/etl-operator --replicas=1");
    env.sh("kubectl -n etl-system rollout status deploy/etl-operator --timeout=5m");

    // the clean-up cannot log in either: the Pipeline stays, being deleted, until told to skip it
    env.sh("kubectl -n argocd-health delete pipeline refused --wait=false");
    await("phase Deleting with the clean-up's condition", ShopPipeline.CONVERGE, () -> {
      Pipeline p = bad.get();
      return p != null && p.getMetadata().getDeletionTimestamp() != null && "Deleting".equals(String.valueOf(p.getStatus().phase))
          && Resources.conditionIs(p, "CleanupComplete", "False", null);
    }, bad::describe);
    assertVerdict("Pipeline", NS, "refused", "deleting", "Progressing", "Deleting: ");
    env.sh("kubectl -n argocd-health annotate pipeline refused etl.io/skip-cleanup=true");
    await("the Pipeline gone after skip-cleanup", ShopPipeline.CONVERGE, () -> bad.get() == null, bad::describe);
    env.sh("kubectl -n argocd-health delete destination refused-password-sink refused-sink health-sink --ignore-not-found");
  }

  private static boolean current(Pipeline p) {
    return p != null && p.getStatus() != null && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
  }

  private static boolean destinationReady(ShopPipeline shop) {
    return destinationReadyIs(shop.namespace, shop.name + "-sink", "True");
  }

  private static boolean destinationReadyIs(String namespace, String name, String status) {
    Destination d = env.admin().resources(Destination.class).inNamespace(namespace).withName(name).get();
    return d != null && d.getStatus() != null && d.getMetadata().getGeneration().equals(d.getStatus().observedGeneration)
        && d.getStatus().conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && status.equals(c.getStatus()));
  }

  private static GenericKubernetesResource live(String kind, String namespace, String name) {
    return env.admin().genericKubernetesResources("etl.io/v1alpha1", kind).inNamespace(namespace).withName(name).get();
  }

  /**
   * The live object through the kind's health.lua: the status Argo CD would show and the start (or,
   * for longer texts, a part) of its message. Captured into testdata/{@code capture}.yaml when asked.
   */
  private static void assertVerdict(String kind, String namespace, String name, String capture, String status, String message) {
    GenericKubernetesResource object = live(kind, namespace, name);
    ObjectMeta meta = object.getMetadata();
    meta.setManagedFields(null);
    meta.setUid(null);
    meta.setResourceVersion(null);
    meta.setAnnotations(null);
    String yaml = Serialization.asYaml(object);
    Path file = CAPTURE ? CHECKS.resolve(kind + "/testdata/" + capture + ".yaml") : env.scratch().resolve(kind + "-" + capture + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.sh("scripts/provision-monitoring-tools.sh argocd-lua-health");
    String verdict = env.sh("\"$(scripts/provision-monitoring-tools.sh --where argocd-lua-health)\" eval "
        + "deploy/argocd/resource_customizations/etl.io/" + kind + "/health.lua " + file).strip();
    Map<?, ?> health = Serialization.unmarshal(verdict.lines().reduce((a, b) -> b).orElse(""), Map.class);
    assertEquals(status, health.get("status"), kind + " " + capture + ": " + verdict + "\n" + yaml);
    String said = String.valueOf(health.get("message"));
    Predicate<String> matches = message.endsWith(": ") || message.endsWith(" ") ? said::startsWith : said::contains;
    assertTrue(matches.test(message), kind + " " + capture + ": message '" + said + "' lacks '" + message + "'\n" + yaml);
  }
}
