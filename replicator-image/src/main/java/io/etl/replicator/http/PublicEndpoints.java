package io.etl.replicator.http;

import io.etl.core.config.AdminHttpConfig;
import io.etl.core.pipeline.RuntimePhase;
import io.etl.core.pipeline.RuntimeStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The public port: {@code /metrics}, {@code /healthz}, {@code /readyz}, for Prometheus and the
 * kubelet, without authentication. So nothing here names the source's or the destination's host,
 * user or database: {@code /readyz} gives an error's category, {@code /status} (on the admin port)
 * its reason and fix.
 */
final class PublicEndpoints implements Endpoint {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Supplier<RuntimeStatus> status;
  private final BooleanSupplier pipelineAlive;

  PublicEndpoints(PrometheusMeterRegistry registry, Supplier<RuntimeStatus> status, BooleanSupplier pipelineAlive) {
    this.registry = registry;
    this.status = status;
    this.pipelineAlive = pipelineAlive;
  }

  @Override
  public Answer answer(Call call) {
    String path = call.path();
    if (path.equals("/status") || path.startsWith("/tables/")) {
      return Answer.text(404, "not found here: " + path + " is served on the admin port (http.admin; by default "
          + AdminHttpConfig.LOOPBACK + ":" + AdminHttpConfig.DEFAULT_PORT + ")\n");
    }
    if (!call.isRead()) {
      return Answer.text(405, "method not allowed\n").withHeader("Allow", "GET, HEAD");
    }
    return switch (path) {
      case "/metrics" -> new Answer(200, PROMETHEUS_TEXT, registry.scrape(), Map.of());
      case "/healthz" -> pipelineAlive.getAsBoolean()
          ? Answer.text(200, "ok\n")
          : Answer.text(503, "pipeline thread is not running\n");
      case "/readyz" -> {
        RuntimeStatus current = status.get();
        yield current.ready() ? Answer.text(200, "ready\n") : Answer.text(503, "not ready: " + notReadyReason(current) + "\n");
      }
      default -> Answer.text(404, "not found; try /metrics, /healthz or /readyz\n");
    };
  }

  /**
   * One line: the phase and, when there is one, the last error's category (e.g. {@code
   * source_unreachable}) and what happens next. The error's reason and fix stay on the admin
   * port: they name hosts, users and databases.
   */
  static String notReadyReason(RuntimeStatus status) {
    RuntimePhase phase = status.phase() == null ? RuntimePhase.STARTING : status.phase();
    String phaseName = phase.name().toLowerCase(Locale.ROOT);
    RuntimeStatus.ErrorInfo error = status.lastError();
    if (error == null && phase == RuntimePhase.COPYING) {
      long streaming = status.tables().stream()
          .filter(t -> t.state().equals("ready") || t.state().equals("sync_done")).count();
      return phaseName + " (" + streaming + " of " + status.tables().size() + " tables streaming)";
    }
    if (error == null || phase == RuntimePhase.STOPPING || phase == RuntimePhase.STOPPED) {
      return phaseName;
    }
    String cause = error.category() + " (reason and fix: /status on the admin port)";
    if (phase == RuntimePhase.FAILED) {
      return phaseName + ": " + cause;
    }
    if (phase == RuntimePhase.RETRYING) {
      return phaseName + " (" + status.retries() + " retries so far): " + cause;
    }
    return phaseName + ": " + cause + ", retrying (" + status.retries() + " retries so far)";
  }
}
