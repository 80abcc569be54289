package io.etl.operator.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.etl.core.testing.StalledClients;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's probes answer within their own timeout, however many clients stall on the port. */
class OperatorHttpServerTest {
  private static final Path DEPLOYMENT = Path.of("").toAbsolutePath().getParent().resolve("deploy/base/deployment.yaml");

  @Test
  void healthzAnswersWithinTheProbeTimeoutWhileFiftyIdleAndFiftySlowConnectionsAreOpen() throws Exception {
    Duration probeTimeout = livenessProbeTimeout();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OperatorHttpServer server = new OperatorHttpServer(0, registry, () -> true, () -> false);
        StalledClients stalled = StalledClients.open(server.port(), 50, 50)) {
      HttpResponse<String> health = StalledClients.probe(server.port(), "/healthz", probeTimeout);
      assertEquals(200, health.statusCode());
      assertEquals("ok\n", health.body());
      HttpResponse<String> ready = StalledClients.probe(server.port(), "/readyz", probeTimeout);
      assertEquals(503, ready.statusCode());
      assertEquals("not ready: informers not started or not synced\n", ready.body());
      HttpResponse<String> metrics = StalledClients.probe(server.port(), "/metrics", probeTimeout);
      assertEquals(200, metrics.statusCode());
      assertTrue(stalled.stillOpen() > 0, "the stalled connections were closed before the probe: the test proves nothing");
    }
  }

  /** The liveness probe's timeoutSeconds in deploy/base, which must leave a JVM room for a pause. */
  private static Duration livenessProbeTimeout() throws Exception {
    JsonNode container = new ObjectMapper(new YAMLFactory()).readTree(DEPLOYMENT.toFile())
        .at("/spec/template/spec/containers/0");
    int seconds = container.at("/livenessProbe/timeoutSeconds").asInt(1);
    assertTrue(seconds >= 3, "deploy/base's liveness probe times out after " + seconds + " s (default 1): too tight for a JVM");
    return Duration.ofSeconds(seconds);
  }
}
