package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.condition;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every input a Pipeline depends on, broken one at a time: the status says which and what to do,
 * read back from the API server; no replicator Deployment is created for a Pipeline that could not run.
 */
class BrokenInputsIT {
  private static final String NS = "broken";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static PostgresServer source;
  static OperatorUnderTest operator;
  static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    source = PostgresServer.start();
    source.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    admin = kube.client();
    operator = OperatorUnderTest.install(kube);
    OperatorUnderTest.createPipelineNamespace(kube, NS);
    admin.resource(Resources.passwordSecret(NS, "right", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.passwordSecret(NS, "wrong", "not-the-password")).create();
    admin.resource(Resources.postgresDestination(NS, "sink", Resources.local(source.port(), "postgres", "right"))).create();
    await("Destination sink ready", () -> destinationReady("sink", "True"));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (source != null) {
      source.close();
    }
  }

  @Test
  void wrongSourcePasswordIsStalledWithTheReasonAndTheFix() {
    create("bad-password", "wrong", "pub", "sink");
    Pipeline p = awaitCondition("bad-password", "SourceReachable", "False", "AuthFailed");
    assertTrue(condition(p, "SourceReachable").getMessage().contains("password"), describe(p));
    assertStalled(p, "AuthFailed");
    assertEquals(PipelinePhase.Failed, p.getStatus().phase);
  }

  @Test
  void missingPublicationIsStalledAndNamesIt() {
    create("no-publication", "right", "nope", "sink");
    Pipeline p = awaitCondition("no-publication", "Ready", "False", "PublicationMissing");
    assertTrue(condition(p, "Ready").getMessage().contains("nope"), describe(p));
    assertStalled(p, "PublicationMissing");
    assertEquals("True", condition(p, "SourceReachable").getStatus(), describe(p));
  }

  @Test
  void missingSecretGetsNoDeployment() {
    create("no-secret", "absent", "pub", "sink");
    Pipeline p = awaitCondition("no-secret", "Ready", "False", "SecretNotFound");
    assertTrue(condition(p, "Ready").getMessage().contains("Secret absent"), describe(p));
    assertStalled(p, "SecretNotFound");
    assertNull(admin.apps().deployments().inNamespace(NS).withName("etl-no-secret").get());
  }

  @Test
  void missingDestinationGetsNoDeploymentUntilItExists() {
    create("no-destination", "right", "pub", "later");
    Pipeline p = awaitCondition("no-destination", "Ready", "False", "DestinationNotFound");
    assertTrue(condition(p, "Ready").getMessage().contains("Destination later"), describe(p));
    assertStalled(p, "DestinationNotFound");
    assertEquals(PipelinePhase.Pending, p.getStatus().phase);
    assertNull(admin.apps().deployments().inNamespace(NS).withName("etl-no-destination").get());

    // the Destination appears (GitOps tools apply in any order): the Pipeline goes on by itself
    admin.resource(Resources.postgresDestination(NS, "later", Resources.local(source.port(), "postgres", "right"))).create();
    await("the Deployment once the Destination is ready",
        () -> admin.apps().deployments().inNamespace(NS).withName("etl-no-destination").get());
  }

  @Test
  void destinationThatRefusesTheLoginIsNotReadyAndBlocksItsPipelines() {
    admin.resource(Resources.postgresDestination(NS, "refusing", Resources.local(source.port(), "postgres", "wrong"))).create();
    Destination d = await("Destination refusing Ready=False", () -> destinationReady("refusing", "False"));
    Condition ready = d.getStatus().conditions.get(0);
    assertEquals("AuthFailed", ready.getReason());
    create("to-refusing", "right", "pub", "refusing");
    Pipeline p = awaitCondition("to-refusing", "Ready", "False", "DestinationNotReady");
    assertTrue(condition(p, "Ready").getMessage().contains("Destination refusing is not ready"), describe(p));
    assertNull(admin.apps().deployments().inNamespace(NS).withName("etl-to-refusing").get());
  }

  @Test
  void secretInANamespaceWithoutTheReaderBindingIsReportedAsNotReadable() {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("unbound").endMetadata().build()).create();
    admin.resource(Resources.passwordSecret("unbound", "right", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination("unbound", "sink", Resources.local(source.port(), "postgres", "right"))).create();
    Destination d = await("Destination unbound/sink not readable", () -> {
      Destination x = admin.resources(Destination.class).inNamespace("unbound").withName("sink").get();
      return x.getStatus() != null && !x.getStatus().conditions.isEmpty() ? x : null;
    });
    assertEquals("SecretNotReadable", d.getStatus().conditions.get(0).getReason());
    assertTrue(d.getStatus().conditions.get(0).getMessage().contains("etl-operator-secret-reader"));
  }

  @Test
  void aPodSpecTheApiServerRefusesIsReportedInTheStatus() {
    Pipeline p = Resources.pipeline(NS, "bad-pod", Resources.local(source.port(), "postgres", "right"), "pub", "sink",
        SlotReclaimPolicy.Delete);
    p.getSpec().replicator = new io.etl.api.v1alpha1.ReplicatorPodSpec();
    p.getSpec().replicator.resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
        .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
        .build();
    admin.resource(p).create();
    Pipeline refused = awaitCondition("bad-pod", "Ready", "False", "ReconcileFailed");
    assertTrue(condition(refused, "Ready").getMessage().contains("must be less than or equal to cpu limit"), describe(refused));
    assertEquals("True", condition(refused, "Reconciling").getStatus(), describe(refused));
  }

  @Test
  void deletionRetriesAnUnreachableSourceSaysSoAndCanBeSkippedDeliberately() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    admin.resource(Resources.pipeline(NS, "doomed", Resources.local(closedPort, "postgres", "right"), "pub", "sink",
        SlotReclaimPolicy.Delete)).create();
    awaitCondition("doomed", "SourceReachable", "False", "Unreachable");
    admin.resources(Pipeline.class).inNamespace(NS).withName("doomed").delete();
    Pipeline deleting = awaitCondition("doomed", "CleanupComplete", "False", "CleanupFailed");
    assertEquals(PipelinePhase.Deleting, deleting.getStatus().phase);
    assertTrue(condition(deleting, "CleanupComplete").getMessage().contains("etl.io/skip-cleanup=true"), describe(deleting));
    assertTrue(Resources.get(admin, NS, "doomed").getMetadata().getFinalizers().contains("etl.io/slot-cleanup"));

    admin.resources(Pipeline.class).inNamespace(NS).withName("doomed")
        .edit(p -> { p.getMetadata().getAnnotations().put("etl.io/skip-cleanup", "true"); return p; });
    await("the Pipeline is gone once the clean-up is skipped", () -> Resources.get(admin, NS, "doomed") == null,
        () -> describe(Resources.get(admin, NS, "doomed")));
    assertTrue(admin.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "doomed".equals(e.getInvolvedObject().getName()) && "CleanupSkipped".equals(e.getReason())));
  }

  /** The same name in two namespaces means the same pipeline id: on one source server only the first may run. */
  @Test
  void aPipelineIdAnotherPipelineHoldsOnTheSameServerGetsNoReplicator() {
    create("twin", "right", "pub", "sink");
    await("the first twin's Deployment", () -> admin.apps().deployments().inNamespace(NS).withName("etl-twin").get());
    String other = "broken-twin";
    OperatorUnderTest.createPipelineNamespace(kube, other);
    admin.resource(Resources.passwordSecret(other, "right", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination(other, "sink", Resources.local(source.port(), "postgres", "right"))).create();
    admin.resource(Resources.pipeline(other, "twin", Resources.local(source.port(), "postgres", "right"), "pub", "sink",
        SlotReclaimPolicy.Delete)).create();
    Pipeline refused = await("the second twin refused", () -> {
      Pipeline p = Resources.get(admin, other, "twin");
      return Resources.conditionIs(p, "Ready", "False", "PipelineIdInUse") ? p : null;
    }, () -> describe(Resources.get(admin, other, "twin")));
    assertStalled(refused, "PipelineIdInUse");
    assertTrue(condition(refused, "Ready").getMessage().contains("already used by Pipeline " + NS + "/twin"), describe(refused));
    assertEquals(PipelinePhase.Pending, refused.getStatus().phase);
    assertNull(admin.apps().deployments().inNamespace(other).withName("etl-twin").get());
    assertNull(refused.getStatus().tables, "the other Pipeline's tables are not shown as this one's: " + describe(refused));
  }

  @Test
  void operatorServesMetricsAndProbes() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://localhost:" + operator.httpPort();
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    await("reconciliations counted in /metrics", () -> {
      try {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().anyMatch(l -> l.startsWith("operator_sdk_reconciliations_success_total")
            && !l.trim().endsWith(" 0.0")) ? metrics : null;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static void create(String name, String secret, String publication, String destination) {
    admin.resource(Resources.pipeline(NS, name, Resources.local(source.port(), "postgres", secret), publication, destination,
        SlotReclaimPolicy.Delete)).create();
  }

  private static Pipeline awaitCondition(String name, String type, String status, String reason) {
    return await(name + ": " + type + "=" + status + " (" + reason + ")", () -> {
      Pipeline p = Resources.get(admin, NS, name);
      return Resources.conditionIs(p, type, status, reason) ? p : null;
    }, () -> describe(Resources.get(admin, NS, name)));
  }

  private static void assertStalled(Pipeline p, String reason) {
    assertTrue(Resources.conditionIs(p, "Stalled", "True", reason), describe(p));
    assertTrue(Resources.conditionIs(p, "Reconciling", "False", null), describe(p));
    assertTrue(Resources.conditionIs(p, "Ready", "False", reason), describe(p));
  }

  private static Destination destinationReady(String name, String status) {
    Destination d = admin.resources(Destination.class).inNamespace(NS).withName(name).get();
    return d != null && d.getStatus() != null && d.getStatus().conditions.stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals(status)) ? d : null;
  }
}
