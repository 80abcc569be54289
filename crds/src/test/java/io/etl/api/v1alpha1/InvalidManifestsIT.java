package io.etl.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.testing.KubectlResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the checked-in CRDs let through, asked of a real API server: the schema and CEL rules must
 * turn away each mistake with a message that names the field, and must accept correct manifests.
 */
class InvalidManifestsIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  private static final String SOURCE = """
      source:
        host: db.example.com
        database: app
        user: replicator
        passwordSecretRef:
          name: app-db
          key: password
      """;

  static Stream<Arguments> invalidManifests() {
    return Stream.of(
        invalid("destination type not in the enum", destination("mysql", """
            type: mysql
            postgres:
              host: dw.example.com
              database: dw
              user: loader
            """), "spec.type: Unsupported value: \"mysql\": supported values: \"bigquery\", \"postgres\""),
        invalid("postgres destination without a postgres block", destination("pg-no-block", """
            type: postgres
            """), "spec: Invalid value: \"object\": exactly one destination block must be set"),
        invalid("postgres destination with a bigquery block too", destination("pg-and-bq", """
            type: postgres
            postgres:
              host: dw.example.com
              database: dw
              user: loader
            bigquery:
              projectId: my-project
              datasetId: dw
            """), "spec: Invalid value: \"object\": exactly one destination block must be set, the one named by"
            + " spec.type"),
        invalid("bigquery project id with upper case", destination("bq-project", """
            type: bigquery
            bigquery:
              projectId: My_Project
              datasetId: dw
            """), "spec.bigquery.projectId: Invalid value: \"My_Project\""),
        invalid("pipeline without spec.source", pipeline("no-source", """
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source: Required value"),
        invalid("pipeline without spec.publication", pipeline("no-publication", SOURCE + """
            destinationRef:
              name: warehouse
            """), "spec.publication: Required value"),
        invalid("source port 0", pipeline("port-zero", """
            source:
              host: db.example.com
              port: 0
              database: app
              user: replicator
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.port: Invalid value: 0: spec.source.port in body should be greater than or equal to 1"),
        invalid("source port 70000", pipeline("port-too-large", """
            source:
              host: db.example.com
              port: 70000
              database: app
              user: replicator
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.port: Invalid value: 70000: spec.source.port in body should be less than or equal"
            + " to 65535"),
        invalid("publication name with a dash", pipeline("bad-publication", SOURCE + """
            publication: app-pub
            destinationRef:
              name: warehouse
            """), "spec.publication: Invalid value: \"app-pub\": spec.publication in body should match"),
        invalid("pipelineId with upper case", pipeline("upper-id", SOURCE + """
            pipelineId: Orders
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.pipelineId: Invalid value: \"Orders\": spec.pipelineId in body should match"),
        invalid("pipelineId of 41 characters", pipeline("long-id", SOURCE + """
            pipelineId: a_pipeline_id_of_forty_one_characters_xyz
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.pipelineId: Invalid value: \"a_pipeline_id_of_forty_one_characters_xyz\""),
        invalid("name longer than 40 without spec.pipelineId",
            pipeline("a-pipeline-name-of-forty-one-characters-x", SOURCE + """
                publication: app_pub
                destinationRef:
                  name: warehouse
                """), "metadata.name becomes the pipeline id in replication slot names, so it must be at most 40"
            + " characters"),
        invalid("secret ref without key", pipeline("secret-no-key", """
            source:
              host: db.example.com
              database: app
              user: replicator
              passwordSecretRef:
                name: app-db
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.passwordSecretRef.key: Required value"),
        invalid("retry.initialBackoffMs above maxBackoffMs", pipeline("retry-inverted", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            retry:
              initialBackoffMs: 60000
              maxBackoffMs: 1000
            """), "spec.retry: Invalid value: \"object\": retry.initialBackoffMs must not be larger than"
            + " retry.maxBackoffMs"),
        invalid("sslMode not in the enum", pipeline("bad-sslmode", """
            source:
              host: db.example.com
              database: app
              user: replicator
              sslMode: required
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.sslMode: Unsupported value: \"required\""),
        invalid("source host carrying driver options", pipeline("host-injection", """
            source:
              host: db/x?sslmode=disable&
              database: app
              user: replicator
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.host: Invalid value: \"string\": " + HOST_RULE),
        invalid("source host with a port", pipeline("host-port", """
            source:
              host: db.example.com:5432
              database: app
              user: replicator
            publication: app_pub
            destinationRef:
              name: warehouse
            """), "spec.source.host: Invalid value: \"string\": " + HOST_RULE),
        invalid("destination host naming two servers", destination("host-list", """
            type: postgres
            postgres:
              host: dw1,dw2
              database: dw
              user: loader
            """), "spec.postgres.host: Invalid value: \"string\": " + HOST_RULE),
        invalid("destination host with a query", destination("host-query", """
            type: postgres
            postgres:
              host: dw?ssl=false
              database: dw
              user: loader
            """), "spec.postgres.host: Invalid value: \"string\": " + HOST_RULE),
        invalid("tableSync.maxWorkers 0", pipeline("no-workers", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            tableSync:
              maxWorkers: 0
            """), "spec.tableSync.maxWorkers: Invalid value: 0: spec.tableSync.maxWorkers in body should be greater"
            + " than or equal to 1"),
        invalid("resync requestId used twice", pipeline("resync-twice", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            resync:
            - table: public.orders
              requestId: 2026-12-02-orders
            - table: public.customers
              requestId: 2026-12-02-orders
            """), "spec.resync: Invalid value: \"array\": every spec.resync requestId must be unique"),
        invalid("resync table without its schema", pipeline("resync-no-schema", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            resync:
            - table: orders
              requestId: orders-1
            """), "spec.resync[0].table: Invalid value: \"orders\""),
        invalid("resync requestId with upper case", pipeline("resync-upper", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            resync:
            - table: public.orders
              requestId: Orders_1
            """), "spec.resync[0].requestId: Invalid value: \"Orders_1\""));
  }

  private static final String HOST_RULE =
      "host must be a DNS name or an IP address (the port goes in port; no path or options)";

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void apiServerRejects(String mistake, String manifest, String expectedMessage) {
    KubernetesClientException rejection = assertThrows(KubernetesClientException.class,
        () -> kube.client().resource(parse(manifest)).create(),
        () -> "the API server accepted a manifest with this mistake: " + mistake + "\n" + manifest);
    assertInvalid(mistake, rejection, expectedMessage);
  }

  @Test
  void apiServerAcceptsCompleteManifests() {
    create(destination("warehouse", """
        type: postgres
        postgres:
          host: dw.example.com
          port: 5433
          database: dw
          user: loader
          sslMode: verify-full
          passwordSecretRef:
            name: dw
            key: password
          caSecretRef:
            name: dw-ca
            key: ca.crt
        """));
    create(destination("lake", """
        type: bigquery
        bigquery:
          projectId: my-project-123
          datasetId: app_replica
          location: europe-west1
          maxStalenessMinutes: 15
          createDataset: true
        """));
    create(pipeline("orders", SOURCE + """
        publication: app_pub
        destinationRef:
          name: warehouse
        paused: false
        slotReclaimPolicy: Retain
        batch:
          maxEvents: 10000
          maxFillMs: 500
        tableSync:
          maxWorkers: 4
          rangesPerTable: 8
        retry:
          initialBackoffMs: 1000
          maxBackoffMs: 60000
        heartbeatIntervalSeconds: 30
        replicator:
          imagePullPolicy: IfNotPresent
          logLevel: debug
        """));

    Pipeline stored = kube.client().resources(Pipeline.class).inNamespace("default").withName("orders").get();
    assertNotNull(stored, "the accepted Pipeline must be readable through the model");
    assertEquals("orders", stored.pipelineId());
    assertEquals(SslMode.VERIFY_FULL, kube.client().resources(Destination.class).inNamespace("default")
        .withName("warehouse").get().getSpec().postgres.sslMode);
  }

  @Test
  void hostNamesAndAddressesAreAccepted() {
    String[] hosts = {"localhost", "dw.example.internal", "shop-postgres.etl-demo.svc.cluster.local.", "compose_db",
        "10.0.0.5", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"};
    for (int i = 0; i < hosts.length; i++) {
      create(destination("host-" + i, """
          type: postgres
          postgres:
            host: "%s"
            database: dw
            user: loader
          """.formatted(hosts[i])));
    }
  }

  @Test
  void sslModeLeftOutStaysLeftOut() {
    // no schema default: the replicator's config model picks verify-full with a CA and require
    // without, which a static default cannot; and a stored default would show as a diff in Argo CD
    create(pipeline("no-sslmode", SOURCE + """
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
    Pipeline stored = kube.client().resources(Pipeline.class).inNamespace("default").withName("no-sslmode").get();
    assertNull(stored.getSpec().source.sslMode);
    assertFalse(kube.client().getKubernetesSerialization().asYaml(stored.getSpec()).contains("sslMode"));
  }

  @Test
  void longNameIsAcceptedWithAnExplicitPipelineId() {
    create(pipeline("a-pipeline-name-of-forty-one-characters-y", SOURCE + """
        pipelineId: orders_eu
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
  }

  @Test
  void pipelineIdCannotChange() {
    HasMetadata created = create(pipeline("immutable-id", SOURCE + """
        pipelineId: orders_v1
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
    GenericKubernetesResource changed = parse(pipeline("immutable-id", SOURCE + """
        pipelineId: orders_v2
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
    changed.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());

    KubernetesClientException rejection = assertThrows(KubernetesClientException.class,
        () -> kube.client().resource(changed).update(), "the API server let spec.pipelineId change");
    assertInvalid("changed spec.pipelineId", rejection,
        "spec: Invalid value: \"object\": spec.pipelineId is immutable");
  }

  @Test
  void kubectlApplyShowsWhyANameIsTooLong(@TempDir Path dir) throws IOException {
    Path manifest = Files.writeString(dir.resolve("pipeline.yaml"),
        pipeline("a-pipeline-name-of-forty-one-characters-z", SOURCE + """
            publication: app_pub
            destinationRef:
              name: warehouse
            """));

    KubectlResult apply = kube.kubectl("apply", "-f", manifest.toString());

    assertNotEquals(0, apply.exitCode(), apply::toString);
    assertTrue(apply.stderr().contains("The Pipeline \"a-pipeline-name-of-forty-one-characters-z\" is invalid"),
        apply::toString);
    assertTrue(apply.stderr().contains("choose a shorter name or set spec.pipelineId"), apply::toString);
    assertFalse(apply.stdout().contains("created"), apply::toString);
  }

  @Test
  void kubectlApplyRefusesToMoveAPipelineToAnotherDatabase(@TempDir Path dir) throws IOException {
    Path manifest = dir.resolve("pipeline.yaml");
    Files.writeString(manifest, pipeline("moving", SOURCE + """
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
    KubectlResult created = kube.kubectl("apply", "-f", manifest.toString());
    assertTrue(created.succeeded(), created::toString);
    assertTrue(created.stdout().contains("pipeline.etl.io/moving created"), created::toString);

    Files.writeString(manifest, pipeline("moving", SOURCE.replace("database: app", "database: other") + """
        publication: app_pub
        destinationRef:
          name: warehouse
        """));
    KubectlResult moved = kube.kubectl("apply", "-f", manifest.toString());

    assertNotEquals(0, moved.exitCode(), moved::toString);
    assertTrue(moved.stderr().contains("spec.source.database is immutable"), moved::toString);
  }

  private static Arguments invalid(String mistake, String manifest, String expectedMessage) {
    return Arguments.of(mistake, manifest, expectedMessage);
  }

  private static String pipeline(String name, String spec) {
    return manifest("Pipeline", name, spec);
  }

  private static String destination(String name, String spec) {
    return manifest("Destination", name, spec);
  }

  private static String manifest(String kind, String name, String spec) {
    return """
        apiVersion: etl.io/v1alpha1
        kind: %s
        metadata:
          name: %s
        spec:
        %s""".formatted(kind, name, spec.indent(2));
  }

  // generic, so the manifest reaches the server as written (the model would drop or refuse unknown values)
  private static GenericKubernetesResource parse(String manifest) {
    return kube.client().getKubernetesSerialization().unmarshal(manifest, GenericKubernetesResource.class);
  }

  private static HasMetadata create(String manifest) {
    try {
      return kube.client().resource(parse(manifest)).create();
    } catch (KubernetesClientException e) {
      throw new AssertionError("the API server rejected a valid manifest: "
          + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()) + "\n" + manifest, e);
    }
  }

  private static void assertInvalid(String mistake, KubernetesClientException rejection, String expectedMessage) {
    assertEquals(422, rejection.getCode(), rejection::getMessage);
    String message = rejection.getStatus().getMessage();
    assertTrue(message.contains(expectedMessage), () -> "for the mistake '" + mistake
        + "' expected the API server to say\n  " + expectedMessage + "\nbut it said\n  " + message);
  }
}
