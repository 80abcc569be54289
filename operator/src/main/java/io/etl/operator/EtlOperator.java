package io.etl.operator;

import io.etl.operator.destination.DestinationReconciler;
import io.etl.operator.pipeline.PipelineGauges;
import io.etl.operator.pipeline.PipelineReconciler;
import io.etl.operator.support.OperatorHttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;

/** The running operator: the Pipeline and Destination controllers plus the HTTP endpoints. */
public final class EtlOperator implements AutoCloseable {
  public static final String LEASE_NAME = "etl-operator-leader";
  private final Operator operator;
  private final OperatorHttpServer http;

  private EtlOperator(Operator operator, OperatorHttpServer http) {
    this.operator = operator;
    this.http = http;
  }

  /** As in the operator's pod: losing the leadership ends the process, so a new pod starts clean. */
  public static EtlOperator start(KubernetesClient client, OperatorSettings settings) throws IOException {
    return start(client, settings, true);
  }

  /**
   * @param exitOnLostLeadership false where the process hosts more than the operator (tests)
   * @throws NamespaceAccess.MissingAccessException RBAC does not let it work in a watched namespace
   */
  public static EtlOperator start(KubernetesClient client, OperatorSettings settings, boolean exitOnLostLeadership)
      throws IOException {
    NamespaceAccess.check(client, settings);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      if (settings.leaderElectionNamespace() != null) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, settings.leaderElectionNamespace(),
            Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), null,
            new LeaderCallbacks(() -> {}, () -> {}, leader -> {}), exitOnLostLeadership));
      }
    });
    operator.register(new PipelineReconciler(settings, client, new PipelineGauges(registry)), c -> namespaces(c, settings));
    operator.register(new DestinationReconciler(client, Duration.ofSeconds(60)), c -> namespaces(c, settings));
    OperatorHttpServer http = new OperatorHttpServer(settings.httpPort(), registry,
        () -> operator.getRuntimeInfo().isStarted(),
        () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    operator.start();
    return new EtlOperator(operator, http);
  }

  private static <R extends HasMetadata> void namespaces(
      ControllerConfigurationOverrider<R> overrider, OperatorSettings settings) {
    if (settings.watchNamespaces().isEmpty()) {
      overrider.watchingAllNamespaces();
    } else {
      overrider.settingNamespaces(settings.watchNamespaces());
    }
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    operator.stop();
    http.close();
  }
}
