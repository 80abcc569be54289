package io.etl.replicator.http;

import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.replicator.ExitCode;
import io.etl.replicator.StartupFailure;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's two HTTP ports: the public one ({@link PublicEndpoints}: /metrics, /healthz,
 * /readyz) and the admin one ({@link AdminEndpoints}: /status, table retries), loopback-only by
 * default or guarded by a token.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

  private final HttpListener publicPort;
  private final HttpListener adminPort;

  private StatusServer(HttpListener publicPort, HttpListener adminPort) {
    this.publicPort = publicPort;
    this.adminPort = adminPort;
  }

  /** Both ports, no retries and no admin token (tests of the endpoints). */
  public static StatusServer start(
      HttpConfig config, PrometheusMeterRegistry registry, Supplier<RuntimeStatus> status, BooleanSupplier pipelineAlive) {
    return start(config, Map.of(), registry, status, pipelineAlive, table -> PipelineRuntime.RetryOutcome.NOT_RUNNING);
  }

  /**
   * Listens on {@code config.bindAddress():config.port()} and on the admin address (port 0: a
   * free one, see {@link #port()} and {@link #adminPort()}).
   *
   * @param env where {@code http.admin.token} may name its variable
   * @param status the pipeline's current status; called on every request to /readyz and /status
   * @param pipelineAlive false once the thread running the pipeline has died
   * @param retryTable serves {@code POST /tables/{schema.table}/retry}
   * @throws StartupFailure a port cannot be bound, or the admin token is unusable
   */
  public static StatusServer start(
      HttpConfig config, Map<String, String> env, PrometheusMeterRegistry registry, Supplier<RuntimeStatus> status,
      BooleanSupplier pipelineAlive, Function<String, PipelineRuntime.RetryOutcome> retryTable) {
    AdminHttpConfig admin = config.admin();
    AdminToken token = AdminToken.of(admin, env);
    HttpListener publicPort = listen("http-public", config.bindAddress(), config.port(), "http",
        "/metrics, /healthz and /readyz", new PublicEndpoints(registry, status, pipelineAlive));
    HttpListener adminPort;
    try {
      adminPort = listen("http-admin", admin.bindAddress(), admin.port(), "http.admin",
          "/status and table retries", new AdminEndpoints(token, status, retryTable));
    } catch (StartupFailure e) {
      publicPort.close();
      throw e;
    }
    log.info("serving /metrics /healthz /readyz on {}:{}", config.bindAddress(), publicPort.port());
    log.info("serving /status and POST /tables/{name}/retry on {}:{} ({})", admin.bindAddress(), adminPort.port(),
        token.required() ? "bearer token of http.admin.token required" : "no token: loopback only");
    return new StatusServer(publicPort, adminPort);
  }

  private static HttpListener listen(String threads, String host, int port, String key, String what, Endpoint endpoint) {
    try {
      return HttpListener.start(threads, host, port, endpoint);
    } catch (Exception e) {
      throw new StartupFailure(
          ExitCode.INVALID_CONFIG,
          "cannot listen on " + host + ":" + port + " for " + what + " (" + e.getClass().getSimpleName() + ": "
              + e.getMessage() + ")",
          "free that port or choose another with " + key + ".port (0 picks a free one) and " + key + ".bindAddress",
          e);
    }
  }

  /** The public port actually bound, also when the configured one was 0. */
  public int port() {
    return publicPort.port();
  }

  /** The admin port actually bound. */
  public int adminPort() {
    return adminPort.port();
  }

  @Override
  public void close() {
    publicPort.close();
    adminPort.close();
  }
}
