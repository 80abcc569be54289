package io.etl.operator.support;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The operator's own endpoints: /metrics (Prometheus), /healthz (alive), /readyz (informers
 * synced), on Jetty's core server: it reads requests without a thread per connection, so clients
 * that connect and stall cannot keep the liveness probe from an answer (the JDK server this
 * replaced ran every exchange on its one dispatcher thread, and one stalled client stopped it).
 */
public final class OperatorHttpServer implements AutoCloseable {
  /** Connections silent this long are closed; well inside the probes' period times threshold. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_THREADS = 8;
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Server server;
  private final ServerConnector connector;

  public OperatorHttpServer(int port, PrometheusMeterRegistry registry, BooleanSupplier alive, BooleanSupplier ready)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
    threads.setName("operator-http");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.setStopTimeout(0);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        switch (request.getHttpURI().getDecodedPath()) {
          case "/metrics" -> respond(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
          case "/healthz" -> {
            boolean up = alive.getAsBoolean();
            respond(response, callback, up ? 200 : 503, TEXT, up ? "ok\n" : "stopped\n");
          }
          case "/readyz" -> {
            boolean synced = ready.getAsBoolean();
            respond(response, callback, synced ? 200 : 503, TEXT,
                synced ? "ready\n" : "not ready: informers not started or not synced\n");
          }
          default -> respond(response, callback, 404, TEXT, "not found; try /metrics, /healthz or /readyz\n");
        }
        return true;
      }
    });
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IOException("cannot serve /metrics, /healthz and /readyz on port " + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  private static void respond(Response response, Callback callback, int code, String type, String body) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    Content.Sink.write(response, true, body, callback);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: nothing left to serve, nothing to report
    }
  }
}
