package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.conditionIs;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Pipeline whose inputs and source do not change costs at most one API write per observe
 * interval: its new lastObservedTime. Its children are not applied again (JOSDK's SSA matcher
 * finds them as desired) and nothing else is written. Counted by the API server itself
 * ({@code apiserver_request_total} on its /metrics), between two refreshes of the status.
 */
class UnchangedPipelineWritesIT {
  private static final String NS = "steady";
  private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static PostgresServer postgres;
  static OperatorUnderTest operator;
  static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start();
    postgres.executeIn("postgres", "CREATE TABLE items (id bigint PRIMARY KEY)", "CREATE PUBLICATION steady_pub FOR TABLE items");
    admin = kube.client();
    operator = OperatorUnderTest.install(kube);
    OperatorUnderTest.createPipelineNamespace(kube, NS);
    admin.resource(Resources.passwordSecret(NS, "pg-credentials", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination(NS, "warehouse",
        Resources.local(postgres.port(), "postgres", "pg-credentials"))).create();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void anUnchangedPipelineIsNotReappliedAndItsStatusIsWrittenOncePerRefresh() {
    admin.resource(Resources.pipeline(NS, "steady", Resources.local(postgres.port(), "postgres", "pg-credentials"),
        "steady_pub", "warehouse", SlotReclaimPolicy.Retain)).create();
    Pipeline first = await("status before the replicator runs", () -> {
      Pipeline p = Resources.get(admin, NS, "steady");
      return conditionIs(p, "Ready", "False", "ReplicatorStarting") && p.getStatus().lastObservedTime != null ? p : null;
    }, () -> describe(Resources.get(admin, NS, "steady")));

    Map<String, Double> before = writes();
    Pipeline second = nextRefresh(first);
    Pipeline third = nextRefresh(second);
    Map<String, Double> during = minus(writes(), before);

    for (String child : new String[] {"configmaps", "deployments", "services", "networkpolicies"}) {
      assertEquals(0.0, during.entrySet().stream().filter(e -> e.getKey().endsWith(" " + child))
          .mapToDouble(Map.Entry::getValue).sum(), "writes of " + child + " over two unchanged refreshes: " + during);
    }
    double statusWrites = during.entrySet().stream().filter(e -> e.getKey().endsWith(" pipelines/status"))
        .mapToDouble(Map.Entry::getValue).sum();
    assertTrue(statusWrites <= 2, "status writes over two refreshes: " + during);
    assertTrue(conditionIs(third, "Ready", "False", "ReplicatorStarting"), describe(third));
  }

  /** The Pipeline once its lastObservedTime moved past {@code previous}'s. */
  private static Pipeline nextRefresh(Pipeline previous) {
    return await("a refresh after " + previous.getStatus().lastObservedTime, () -> {
      Pipeline p = Resources.get(admin, NS, "steady");
      return p.getStatus() != null && !Objects.equals(p.getStatus().lastObservedTime, previous.getStatus().lastObservedTime)
          ? p : null;
    });
  }

  /** Write requests the API server has served so far, by "VERB resource[/subresource]". */
  private static Map<String, Double> writes() {
    Map<String, Double> out = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(admin.raw("/metrics"));
    while (sample.find()) {
      Map<String, String> labels = new TreeMap<>();
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      String verb = labels.getOrDefault("verb", "");
      if (!verb.matches("APPLY|PATCH|POST|PUT|CREATE|UPDATE|DELETE")) {
        continue;
      }
      String subresource = labels.getOrDefault("subresource", "");
      out.merge(verb + " " + labels.getOrDefault("resource", "") + (subresource.isEmpty() ? "" : "/" + subresource),
          Double.parseDouble(sample.group(2)), Double::sum);
    }
    return out;
  }

  private static Map<String, Double> minus(Map<String, Double> now, Map<String, Double> before) {
    Map<String, Double> out = new TreeMap<>();
    now.forEach((k, v) -> {
      if (v - before.getOrDefault(k, 0.0) > 0) {
        out.put(k, v - before.getOrDefault(k, 0.0));
      }
    });
    return out;
  }
}
