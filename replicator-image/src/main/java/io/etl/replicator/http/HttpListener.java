package io.etl.replicator.http;

import java.time.Duration;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP port, served by Jetty's core server. Jetty reads a request without holding a thread
 * until the request is complete, so clients that connect and stall (a stuck scraper, a
 * slowloris) cost a socket each, never a thread: {@code /healthz} keeps answering the kubelet.
 * A connection that sends nothing for {@link #IDLE_TIMEOUT} is closed.
 */
final class HttpListener implements AutoCloseable {
  /** Well below the probes' period (10 s) times their failure threshold, above a slow scrape. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_THREADS = 8;
  private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

  private final Server server;
  private final ServerConnector connector;

  private HttpListener(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Listens on {@code host:port} (port 0: a free one).
   *
   * @param name names the threads, e.g. {@code http-status}
   * @throws Exception when the port cannot be bound
   */
  static HttpListener start(String name, String host, int port, Endpoint endpoint) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
    threads.setName(name);
    // daemon threads: serving probes must never keep a stopping replicator alive
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.setHandler(new EndpointHandler(endpoint));
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new HttpListener(server, connector);
  }

  /** The port actually bound, also when the configured one was 0. */
  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.debug("stopping the HTTP listener on port {}", port(), e);
    }
  }

  private static final class EndpointHandler extends Handler.Abstract {
    private final Endpoint endpoint;

    EndpointHandler(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Answer answer;
      try {
        answer = endpoint.answer(new Call(request.getMethod(), request.getHttpURI().getDecodedPath(),
            request.getHeaders().get(HttpHeader.AUTHORIZATION)));
      } catch (RuntimeException e) {
        // a probe must get an answer; the cause is for the log, not the HTTP client
        log.warn("failed to answer {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
        answer = Answer.text(500, "internal error: " + e.getClass().getSimpleName() + "\n");
      }
      response.setStatus(answer.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
      for (Map.Entry<String, String> header : answer.headers().entrySet()) {
        response.getHeaders().put(header.getKey(), header.getValue());
      }
      // Jetty leaves the body out of a HEAD answer and keeps its Content-Length
      Content.Sink.write(response, true, answer.body().replace("\r", ""), callback);
      return true;
    }
  }
}
