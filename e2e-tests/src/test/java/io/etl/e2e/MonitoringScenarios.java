package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.ShellCommand;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every metric that deploy/monitoring's alert rules and Grafana dashboard read exists in a real
 * scrape: of a replicator that copied, streamed and recovered from a dropped replication
 * connection (so its error and retry counters exist too), and of the operator (its per-Pipeline
 * gauges), both running on the cluster and reached through port-forwards. A renamed meter fails
 * here instead of leaving an alert that can never fire. The exceptions are the series Prometheus
 * and kube-state-metrics make, not these processes.
 */
abstract class MonitoringScenarios extends ClusterScenario {
  private static final Path MONITORING = E2eEnvironment.ROOT.resolve("deploy/monitoring");
  /** Not exported by the operator or a replicator: Prometheus writes up, kube-state-metrics the restarts. */
  private static final Set<String> FROM_ELSEWHERE = Set.of("up", "kube_pod_container_status_restarts_total");

  @Test
  void everyMetricTheAlertsAndTheDashboardReadIsInARealScrapeOfTheReplicatorAndTheOperator() throws Exception {
    Set<String> used = usedNames();
    assertTrue(used.containsAll(Set.of("etl_pipeline_slot_lag_bytes", "etl_confirmed_flush_lsn", "jvm_memory_used_bytes",
        "etl_batch_events_sum", "etl_retries_total", "etl_spool_bytes", "etl_spool_max_bytes")), "names read from the rules and the dashboard: " + used);

    ShopPipeline shop = new ShopPipeline(env, "monitoring-check", "scraped").createDatabases(100, 2_000).apply();
    shop.awaitReady(shop.awaitPod("the replicator pod"));
    shop.awaitStreaming();
    shop.source().executeIn(shop.sourceDatabase, "INSERT INTO orders SELECT g, 1, g FROM generate_series(100001, 100500) g");
    shop.assertConverged();
    // a dropped replication connection: the replicator counts a retryable error and a retry, and reconnects
    shop.source().execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'etl_scraped_apply'");
    shop.source().executeIn(shop.sourceDatabase, "INSERT INTO orders SELECT g, 1, g FROM generate_series(100501, 100600) g");
    shop.assertConverged();

    Set<String> scraped = new TreeSet<>();
    scraped.addAll(scrape("kubectl -n monitoring-check port-forward deploy/etl-scraped 19187:9187", 19187,
        "etl_retries_total"));
    scraped.addAll(scrape("kubectl -n etl-system port-forward deploy/etl-operator 18080:8080", 18080,
        "etl_pipeline_slot_lag_bytes"));
    List<String> missing = used.stream().filter(n -> !scraped.contains(n) && !FROM_ELSEWHERE.contains(n)).toList();
    assertEquals(List.of(), missing, "metrics the rules or the dashboard read that no scrape has; scraped: " + scraped);
    env.sh("kubectl -n monitoring-check delete pipeline scraped");
  }

  /** The names a rule's expr or a panel's query reads, across deploy/monitoring. */
  private static Set<String> usedNames() throws IOException {
    Set<String> names = new TreeSet<>();
    Map<?, ?> rule = Serialization.unmarshal(Files.readString(MONITORING.resolve("prometheusrule.yaml")), Map.class);
    for (Object group : (List<?>) ((Map<?, ?>) rule.get("spec")).get("groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) group).get("rules")) {
        names.addAll(MonitoredMetricNames.of(String.valueOf(((Map<?, ?>) r).get("expr"))));
      }
    }
    Map<?, ?> dashboard = Serialization.unmarshal(Files.readString(MONITORING.resolve("dashboards/etl-pipelines.json")), Map.class);
    for (Object panel : (List<?>) dashboard.get("panels")) {
      for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
        names.addAll(MonitoredMetricNames.of(String.valueOf(((Map<?, ?>) target).get("expr"))));
      }
    }
    return names;
  }

  /** The series names of /metrics through a port-forward, once {@code expected} is among them. */
  private static Set<String> scrape(String portForward, int port, String expected) {
    Path log = env.scratch().resolve("port-forward-" + port + ".log");
    List<Set<String>> last = new ArrayList<>();
    try (ShellCommand forward = env.shStart(portForward, log)) {
      await("the port-forward listens", Duration.ofMinutes(1), () -> {
        if (!forward.isAlive()) {
          throw new AssertionError("the port-forward ended:\n" + forward.output());
        }
        return forward.output().contains("Forwarding from 127.0.0.1:" + port);
      }, forward::output);
      return await(expected + " in the scrape on port " + port, ShopPipeline.CONVERGE, () -> {
        String body = env.sh("curl -sS http://127.0.0.1:" + port + "/metrics > /dev/null && curl -sS http://127.0.0.1:" + port
            + "/metrics | grep -v '^#' | sed -E 's/[{ ].*//' | sort -u");
        Set<String> names = body.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        last.clear();
        last.add(names);
        return names.contains(expected) ? names : null;
      }, () -> String.valueOf(last));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
