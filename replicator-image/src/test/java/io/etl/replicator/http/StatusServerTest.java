package io.etl.replicator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.pipeline.RuntimePhase;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.StalledClients;
import io.etl.replicator.metrics.PrometheusRegistry;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private static final Instant AT = Instant.parse("2025-01-02T03:04:05.678Z");
  private static final RuntimeStatus RETRYING =
      new RuntimeStatus(
          "orders", RuntimePhase.RETRYING, false, "0/16B3748", "0/16B3800", 184L, 7,
          List.of(new RuntimeStatus.TableStatus("public.orders", 16384, "ready", 1200, 0, null, null)),
          new RuntimeStatus.ErrorInfo(
              "retryable", "source_unreachable", "cannot connect to source localhost:5432 (connection refused).",
              "check that the server runs.", AT),
          3, AT);
  private static final RuntimeStatus STREAMING =
      new RuntimeStatus("orders", RuntimePhase.STREAMING, true, "0/16B3900", "0/16B3900", 0L, 9, List.of(), null, 0, AT);

  private static final AtomicReference<RuntimeStatus> status = new AtomicReference<>(RETRYING);
  private static final AtomicBoolean alive = new AtomicBoolean(true);
  private static final HttpClient http = HttpClient.newHttpClient();
  private static PrometheusRegistry metrics;
  private static StatusServer server;

  @BeforeAll
  static void start() {
    metrics = new PrometheusRegistry();
    Counter.builder("etl.events.applied").register(metrics.registry()).increment(42);
    server = StatusServer.start(new HttpConfig(0, "127.0.0.1", new AdminHttpConfig(0, null, null)), metrics.registry(),
        status::get, alive::get);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(server.port(), path);
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample line {@code name value} (no labels) in Prometheus text. */
  private static Optional<Double> sample(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst();
  }

  @Test
  void ephemeralPortIsBound() {
    assertTrue(server.port() > 0, "port " + server.port());
  }

  @Test
  void metricsServePipelineAndJvmMetersAsPrometheusText() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertEquals(Optional.of(42.0), sample(response.body(), "etl_events_applied_total"), response.body());
    assertTrue(response.body().contains("# TYPE etl_events_applied_total counter"), response.body());
    assertTrue(response.body().lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{")), "JVM meters bound");
    assertTrue(sample(response.body(), "process_uptime_seconds").isPresent(), "process meters bound");
  }

  @Test
  void readyzIs503WithTheErrorsCategoryUntilReadyThen200() throws Exception {
    status.set(RETRYING);
    HttpResponse<String> notReady = get("/readyz");
    assertEquals(503, notReady.statusCode());
    assertEquals(
        "not ready: retrying (3 retries so far): source_unreachable (reason and fix: /status on the admin port)\n",
        notReady.body());

    status.set(STREAMING);
    HttpResponse<String> ready = get("/readyz");
    assertEquals(200, ready.statusCode());
    assertEquals("ready\n", ready.body());
    status.set(RETRYING);
  }

  @Test
  void readyzOfAFailedPipelineNamesTheCategoryAndWhereTheFixIs() {
    RuntimeStatus failed =
        new RuntimeStatus("orders", RuntimePhase.FAILED, false, null, null, null, 0, List.of(),
            new RuntimeStatus.ErrorInfo("fatal", "auth_failed", "the server at db:5432 rejected user 'etl' (database 'shop').",
                "check the password of user 'etl'.", AT), 0, AT);
    assertEquals("failed: auth_failed (reason and fix: /status on the admin port)", PublicEndpoints.notReadyReason(failed));
  }

  @Test
  void statusIsThePipelineStatusAsJsonOnTheAdminPortOnly() throws Exception {
    status.set(RETRYING);
    HttpResponse<String> elsewhere = get("/status");
    assertEquals(404, elsewhere.statusCode());
    assertEquals("not found here: /status is served on the admin port (http.admin; by default 127.0.0.1:9188)\n",
        elsewhere.body());
    HttpResponse<String> response = get(server.adminPort(), "/status");
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
    JsonNode tree = mapper.readTree(response.body());
    assertEquals("RETRYING", tree.get("phase").asText());
    assertEquals("2025-01-02T03:04:05.678Z", tree.get("updatedAt").asText());
    assertEquals("public.orders", tree.get("tables").get(0).get("name").asText());
    assertEquals(RETRYING, mapper.readValue(response.body(), RuntimeStatus.class));
  }

  @Test
  void healthzFollowsThePipelineThread() throws Exception {
    assertEquals(200, get("/healthz").statusCode());
    assertEquals("ok\n", get("/healthz").body());
    alive.set(false);
    try {
      HttpResponse<String> dead = get("/healthz");
      assertEquals(503, dead.statusCode());
      assertEquals("pipeline thread is not running\n", dead.body());
    } finally {
      alive.set(true);
    }
  }

  @Test
  void headAnswersTheStatusWithoutABody() throws Exception {
    HttpResponse<String> head = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void unknownPathsAndMethodsAreRefused() throws Exception {
    assertEquals(404, get("/metricsx").statusCode());
    assertEquals(405, post(server.port(), "/healthz").statusCode());
    assertEquals(404, post(server.port(), "/tables/public.orders/retry").statusCode());
    assertEquals(405, post(server.adminPort(), "/status").statusCode());
    assertEquals(405, get(server.adminPort(), "/tables/public.orders/retry").statusCode());
    assertEquals(404, get(server.adminPort(), "/metrics").statusCode());
  }

  /** The liveness probe's timeoutSeconds as the operator renders it (ReplicatorDeployment). */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void healthzAnswersWithinTheProbeTimeoutWhileFiftyIdleAndFiftySlowConnectionsAreOpen() throws Exception {
    status.set(RETRYING);
    try (StalledClients stalled = StalledClients.open(server.port(), 50, 50)) {
      HttpResponse<String> health = StalledClients.probe(server.port(), "/healthz", PROBE_TIMEOUT);
      assertEquals(200, health.statusCode());
      assertEquals("ok\n", health.body());
      HttpResponse<String> ready = StalledClients.probe(server.port(), "/readyz", PROBE_TIMEOUT);
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(stalled.stillOpen() > 0, "the stalled connections were closed before the probe: the test proves nothing");
    }
  }

  @Test
  void readyzDuringACopySaysHowManyTablesStream() {
    RuntimeStatus copying = new RuntimeStatus("p", RuntimePhase.COPYING, false, null, null, 0L, 0, List.of(
        new RuntimeStatus.TableStatus("public.a", 1, "ready", 10, 0, null, null),
        new RuntimeStatus.TableStatus("public.b", 2, "data_sync", 5, 0, null, null),
        new RuntimeStatus.TableStatus("public.c", 3, "init", 0, 0, null, null)), null, 0, Instant.now());
    assertEquals("copying (1 of 3 tables streaming)", PublicEndpoints.notReadyReason(copying));
  }
}
