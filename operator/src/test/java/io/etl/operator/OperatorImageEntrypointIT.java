package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Destination;
import io.etl.core.testing.ImageRun;
import io.etl.core.testing.OciImageTar;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.PrometheusText;
import io.etl.core.testing.ShellCommand;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the operator image this build made (target/jib-image.tar) from its own entrypoint, JRE,
 * classpath file and user ({@link ImageRun}) against the test API server: it must reconcile a
 * Destination for real (TLS to the API server, JDBC to PostgreSQL), so a jar or JDK module
 * missing from the image fails here rather than in a user's cluster.
 */
class OperatorImageEntrypointIT {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");
  private static final String NS = "image-run";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  @TempDir Path dir;

  @Test
  void entrypointReconcilesADestinationAndServesItsEndpoints() throws Exception {
    String whyNot = ImageRun.whyNot();
    assumeTrue(whyNot == null, "skipped: " + whyNot);
    assertTrue(Files.isRegularFile(IMAGE), IMAGE.toAbsolutePath() + " is built by this module's package phase");
    Path rootfs = dir.resolve("rootfs");
    OciImageTar.unpack(IMAGE, rootfs);
    JsonNode config = OciImageTar.config(IMAGE);
    Path kubeconfig = rootfs.resolve("etc/etl/kubeconfig");
    Files.createDirectories(kubeconfig.getParent());
    // the certificates inline: the test's kubeconfig names files outside the image's root
    Files.writeString(kubeconfig, kube.kubectl("config", "view", "--raw", "--flatten").stdout());
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }

    try (PostgresServer warehouse = PostgresServer.start();
        ShellCommand operator = ImageRun.start(rootfs, config, List.of(),
            Map.of("KUBECONFIG", "/etc/etl/kubeconfig", "ETL_OPERATOR_HTTP_PORT", Integer.toString(port)),
            Path.of("target", "image-run", "operator.log").toAbsolutePath())) {
      KubernetesClient admin = kube.client();
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
      admin.resource(Resources.passwordSecret(NS, "warehouse", PostgresServer.PASSWORD)).create();
      admin.resource(Resources.postgresDestination(NS, "warehouse", Resources.local(warehouse.port(), "postgres", "warehouse")))
          .create();

      Condition ready = await("Destination warehouse checked by the operator from its image", () -> {
        if (!operator.isAlive()) {
          throw new AssertionError("the operator exited:\n" + operator.output());
        }
        Destination d = admin.resources(Destination.class).inNamespace(NS).withName("warehouse").get();
        return d.getStatus() == null || d.getStatus().conditions.isEmpty() ? null : d.getStatus().conditions.get(0);
      }, operator::output);
      assertEquals("Ready", ready.getType());
      assertEquals("True", ready.getStatus(), ready.getMessage() + "\n" + operator.output());

      HttpClient http = HttpClient.newHttpClient();
      assertEquals(200, get(http, port, "/healthz").statusCode());
      assertEquals(200, get(http, port, "/readyz").statusCode());
      Map<String, Double> metrics = PrometheusText.parse(get(http, port, "/metrics").body());
      assertTrue(metrics.keySet().stream().anyMatch(k -> k.startsWith("jvm_")), "JVM meters: " + metrics.keySet());

      operator.signal("TERM");
      operator.waitFor(Duration.ofMinutes(1));
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
