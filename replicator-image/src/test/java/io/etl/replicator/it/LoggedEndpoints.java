package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.PrometheusText;
import io.etl.core.testing.ShellCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP endpoints of a replicator started as a command ({@code http.port: 0}), found through
 * the log line that names the port it bound.
 */
final class LoggedEndpoints {
  private static final Pattern SERVING = Pattern.compile("serving /metrics /healthz /readyz on [^:\\s]+:(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ShellCommand replicator;
  private final int port;

  private LoggedEndpoints(ShellCommand replicator, int port) {
    this.replicator = replicator;
    this.port = port;
  }

  /** Waits for the log line naming the port; fails with the output if the process ends first. */
  static LoggedEndpoints of(ShellCommand replicator) throws InterruptedException {
    int[] port = {-1};
    Await.until(() -> {
      Matcher m = SERVING.matcher(replicator.output());
      if (m.find()) {
        port[0] = Integer.parseInt(m.group(1));
      }
      return port[0] > 0 || !replicator.isAlive();
    }, "the endpoints served", Duration.ofMinutes(2));
    assertTrue(port[0] > 0, "the replicator started and logged its port:\n" + replicator.output());
    return new LoggedEndpoints(replicator, port[0]);
  }

  /** Waits for {@code /readyz} to answer 200; fails with the output if the process ends first. */
  void awaitReady() throws InterruptedException {
    Await.until(() -> !replicator.isAlive() || get("/readyz").statusCode() == 200, "ready", Duration.ofMinutes(3));
    assertTrue(replicator.isAlive(), "the replicator runs:\n" + replicator.output());
  }

  /** Scrapes {@code /metrics} and parses it. */
  Map<String, Double> metrics() {
    HttpResponse<String> scrape = get("/metrics");
    assertEquals(200, scrape.statusCode(), scrape.body());
    assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().toString());
    return PrometheusText.parse(scrape.body());
  }

  HttpResponse<String> get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " on port " + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
