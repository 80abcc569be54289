package io.etl.operator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's own settings, from its environment.
 *
 * @param watchNamespaces namespaces whose Pipelines and Destinations are reconciled; empty = all
 * @param replicatorImage image of replicator pods whose Pipeline names none
 * @param observeInterval how often each Pipeline's source is read for the status
 * @param leaderElectionNamespace where the leader-election Lease lives; null turns election off
 * @param httpPort port of {@code /metrics}, {@code /healthz}, {@code /readyz}; 0 picks a free one
 * @param metricsClientNamespaces namespaces (besides the operator's own) whose pods the rendered
 *     NetworkPolicy lets reach the replicators' metrics port, e.g. where Prometheus runs
 * @param operatorNamespace the operator's own namespace; null when it runs outside a cluster
 */
public record OperatorSettings(
    Set<String> watchNamespaces, String replicatorImage, Duration observeInterval, String leaderElectionNamespace,
    int httpPort, Set<String> metricsClientNamespaces, String operatorNamespace) {

  public static final String DEFAULT_REPLICATOR_IMAGE = "etl/replicator:0.1.0-SNAPSHOT";
  public static final Set<String> DEFAULT_METRICS_CLIENT_NAMESPACES = Set.of("monitoring");

  /** Settings with the default metrics clients and the leader-election namespace as the operator's. */
  public OperatorSettings(
      Set<String> watchNamespaces, String replicatorImage, Duration observeInterval, String leaderElectionNamespace,
      int httpPort) {
    this(watchNamespaces, replicatorImage, observeInterval, leaderElectionNamespace, httpPort,
        DEFAULT_METRICS_CLIENT_NAMESPACES, leaderElectionNamespace);
  }

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String leaderElection = blankToNull(env.get("ETL_LEADER_ELECTION_NAMESPACE"));
    String own = blankToNull(env.get("ETL_OPERATOR_NAMESPACE"));
    return new OperatorSettings(
        names(env.getOrDefault("ETL_WATCH_NAMESPACES", "")),
        env.getOrDefault("ETL_REPLICATOR_IMAGE", DEFAULT_REPLICATOR_IMAGE),
        Duration.ofSeconds(positive(env, "ETL_OBSERVE_INTERVAL_SECONDS", 15)),
        leaderElection,
        (int) positive(env, "ETL_OPERATOR_HTTP_PORT", 8080),
        env.containsKey("ETL_METRICS_NAMESPACES") ? names(env.get("ETL_METRICS_NAMESPACES")) : DEFAULT_METRICS_CLIENT_NAMESPACES,
        own != null ? own : leaderElection);
  }

  private static Set<String> names(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static long positive(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a non-negative whole number, got '" + value + "'");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
