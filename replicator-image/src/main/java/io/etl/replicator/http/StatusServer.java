package io.etl.replicator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etl.core.config.HttpConfig;
import io.etl.core.pipeline.Pipeline;
import io.etl.core.pipeline.PipelinePhase;
import io.etl.core.pipeline.PipelineStatus;
import io.etl.replicator.ExitCode;
import io.etl.replicator.StartupFailure;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /healthz} (the process and its pipeline
 * thread are alive), {@code /readyz} (the pipeline streams) and {@code /status} (the {@link
 * PipelineStatus} as JSON).
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpListener listener;

  private StatusServer(HttpListener listener) {
    this.listener = listener;
  }

  /**
   * Listens on {@code config.bindAddress():config.port()} (port 0: a free one, see {@link #port()}).
   *
   * @param status the pipeline's current status; called on every request to /readyz and /status
   * @param pipelineAlive false once the thread running the pipeline has died
   */
  public static StatusServer start(
      HttpConfig config, PrometheusMeterRegistry registry, Supplier<PipelineStatus> status, BooleanSupplier pipelineAlive) {
    return start(config, registry, status, pipelineAlive, table -> Pipeline.RetryOutcome.NOT_RUNNING);
  }

  /** As above, also serving {@code POST /tables/{schema.table}/retry} with {@code retryTable}. */
  public static StatusServer start(
      HttpConfig config, PrometheusMeterRegistry registry, Supplier<PipelineStatus> status, BooleanSupplier pipelineAlive,
      Function<String, Pipeline.RetryOutcome> retryTable) {
    Endpoints endpoints = new Endpoints(registry, status, pipelineAlive, retryTable);
    HttpListener listener;
    try {
      listener = HttpListener.start("http-status", config.bindAddress(), config.port(), endpoints::answer);
    } catch (Exception e) {
      throw new StartupFailure(
          ExitCode.INVALID_CONFIG,
          "cannot listen on " + config.bindAddress() + ":" + config.port() + " for /metrics, /healthz, /readyz and /status ("
              + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          "free that port or choose another with http.port (0 picks a free one) and http.bindAddress",
          e);
    }
    log.info("serving /metrics /healthz /readyz /status on {}:{}", config.bindAddress(), listener.port());
    return new StatusServer(listener);
  }

  /** The port actually bound, also when the configured one was 0. */
  public int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  private static final class Endpoints {
    private final PrometheusMeterRegistry registry;
    private final Supplier<PipelineStatus> status;
    private final BooleanSupplier pipelineAlive;
    private final Function<String, Pipeline.RetryOutcome> retryTable;
    private final ObjectMapper json =
        JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    Endpoints(PrometheusMeterRegistry registry, Supplier<PipelineStatus> status, BooleanSupplier pipelineAlive,
        Function<String, Pipeline.RetryOutcome> retryTable) {
      this.registry = registry;
      this.status = status;
      this.pipelineAlive = pipelineAlive;
      this.retryTable = retryTable;
    }

    Answer answer(Call call) {
      String path = call.path();
      if (path.startsWith("/tables/") && path.endsWith("/retry")) {
        return retry(call, path.substring("/tables/".length(), path.length() - "/retry".length()));
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
          PipelineStatus current = status.get();
          yield current.ready() ? Answer.text(200, "ready\n") : Answer.text(503, "not ready: " + notReadyReason(current) + "\n");
        }
        case "/status" -> new Answer(200, Answer.JSON, toJson(status.get()) + "\n", Map.of());
        default -> Answer.text(404, "not found; try /metrics, /healthz, /readyz or /status\n");
      };
    }

    private Answer retry(Call call, String table) {
      if (!call.method().equals("POST")) {
        return Answer.text(405, "method not allowed; POST to retry an errored table\n").withHeader("Allow", "POST");
      }
      return switch (retryTable.apply(table)) {
        case RETRIED -> Answer.text(202, "table " + table + " will be copied again\n");
        case NOT_ERRORED -> Answer.text(409, "table " + table + " is not errored; nothing to retry\n");
        case UNKNOWN_TABLE -> Answer.text(404, "no table " + table + " in this pipeline (see /status)\n");
        case NOT_RUNNING -> Answer.text(503, "the pipeline is not running yet; try again\n");
      };
    }

    private String toJson(PipelineStatus value) {
      try {
        return json.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** One line: the phase and, when there is one, the last error and what happens next. */
  static String notReadyReason(PipelineStatus status) {
    return reasonOf(status).replaceAll("\\s*\\R\\s*", " ");
  }

  private static String reasonOf(PipelineStatus status) {
    PipelinePhase phase = status.phase() == null ? PipelinePhase.STARTING : status.phase();
    String phaseName = phase.name().toLowerCase(Locale.ROOT);
    PipelineStatus.ErrorInfo error = status.lastError();
    if (error == null && phase == PipelinePhase.COPYING) {
      long streaming = status.tables().stream()
          .filter(t -> t.state().equals("ready") || t.state().equals("sync_done")).count();
      return phaseName + " (" + streaming + " of " + status.tables().size() + " tables streaming)";
    }
    if (error == null) {
      return phaseName;
    }
    if (phase == PipelinePhase.FAILED) {
      return phaseName + ": " + error.reason() + (error.solution() == null || error.solution().isEmpty() ? "" : " Fix: " + error.solution());
    }
    if (phase == PipelinePhase.STOPPING || phase == PipelinePhase.STOPPED) {
      return phaseName;
    }
    if (phase == PipelinePhase.RETRYING) {
      return phaseName + " (" + status.retries() + " retries so far): " + error.reason();
    }
    return phaseName + ": " + error.reason() + " (retrying; " + status.retries() + " retries so far)";
  }
}
