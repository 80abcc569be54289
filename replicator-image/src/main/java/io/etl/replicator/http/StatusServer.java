package io.etl.replicator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.etl.core.config.HttpConfig;
import io.etl.core.pipeline.Pipeline;
import io.etl.core.pipeline.PipelinePhase;
import io.etl.core.pipeline.PipelineStatus;
import io.etl.replicator.ExitCode;
import io.etl.replicator.StartupFailure;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /healthz} (the process and its pipeline
 * thread are alive), {@code /readyz} (the pipeline streams) and {@code /status} (the {@link
 * PipelineStatus} as JSON) on the JDK's HTTP server.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final Supplier<PipelineStatus> status;
  private final BooleanSupplier pipelineAlive;
  private final Function<String, Pipeline.RetryOutcome> retryTable;
  private final ObjectMapper json =
      JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  private StatusServer(
      HttpServer server, PrometheusMeterRegistry registry, Supplier<PipelineStatus> status, BooleanSupplier pipelineAlive,
      Function<String, Pipeline.RetryOutcome> retryTable) {
    this.server = server;
    this.retryTable = retryTable;
    this.registry = registry;
    this.status = status;
    this.pipelineAlive = pipelineAlive;
    AtomicInteger threads = new AtomicInteger();
    // daemon threads: serving probes must never keep a stopping replicator alive
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "http-status-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
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
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 0);
    } catch (IOException e) {
      throw new StartupFailure(
          ExitCode.INVALID_CONFIG,
          "cannot listen on " + config.bindAddress() + ":" + config.port() + " for /metrics, /healthz, /readyz and /status ("
              + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          "free that port or choose another with http.port (0 picks a free one) and http.bindAddress",
          e);
    }
    StatusServer statusServer = new StatusServer(server, registry, status, pipelineAlive, retryTable);
    server.start();
    log.info("serving /metrics /healthz /readyz /status on {}:{}", config.bindAddress(), statusServer.port());
    return statusServer;
  }

  private void retry(HttpExchange exchange, String method, String table) throws IOException {
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      respond(exchange, 405, TEXT, "method not allowed; POST to retry an errored table\n");
      return;
    }
    switch (retryTable.apply(table)) {
      case RETRIED -> respond(exchange, 202, TEXT, "table " + table + " will be copied again\n");
      case NOT_ERRORED -> respond(exchange, 409, TEXT, "table " + table + " is not errored; nothing to retry\n");
      case UNKNOWN_TABLE -> respond(exchange, 404, TEXT, "no table " + table + " in this pipeline (see /status)\n");
      case NOT_RUNNING -> respond(exchange, 503, TEXT, "the pipeline is not running yet; try again\n");
    }
  }

  /** The port actually bound, also when the configured one was 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/tables/") && path.endsWith("/retry")) {
        retry(exchange, method, path.substring("/tables/".length(), path.length() - "/retry".length()));
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, TEXT, "method not allowed\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
        case "/healthz" -> {
          if (pipelineAlive.getAsBoolean()) {
            respond(exchange, 200, TEXT, "ok\n");
          } else {
            respond(exchange, 503, TEXT, "pipeline thread is not running\n");
          }
        }
        case "/readyz" -> {
          PipelineStatus current = status.get();
          if (current.ready()) {
            respond(exchange, 200, TEXT, "ready\n");
          } else {
            respond(exchange, 503, TEXT, "not ready: " + notReadyReason(current) + "\n");
          }
        }
        case "/status" -> respond(exchange, 200, "application/json", json.writeValueAsString(status.get()) + "\n");
        default -> respond(exchange, 404, TEXT, "not found; try /metrics, /healthz, /readyz or /status\n");
      }
    } catch (RuntimeException e) {
      // a probe must get an answer; the cause is for the operator's log, not the HTTP client
      log.warn("failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      if (exchange.getResponseCode() == -1) {
        respond(exchange, 500, TEXT, "internal error: " + e.getClass().getSimpleName() + "\n");
      }
    } finally {
      exchange.close();
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

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.replace("\r", "").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
