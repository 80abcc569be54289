package io.etl.operator;

import static io.etl.operator.testing.Eventually.await;
import static io.etl.operator.testing.Resources.conditionIs;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.ControlPlaneBinaries;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The lifecycle on a real cluster (k3s) where a Docker engine exists: deploy/base installed with
 * kubectl, the operator in this JVM as cluster admin, the replicator image Jib built imported into
 * k3s and run by its kubelet, PostgreSQL 17 in containers on the same Docker network. Skipped
 * (and reported as skipped) without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sLifecycleTest {
  private static final Network NETWORK = Network.newNetwork();
  private static final String NS = "k3s-shop";

  @Container
  static final K3sContainer k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.34.1-k3s1")).withNetwork(NETWORK);

  @Container
  static final GenericContainer<?> source = postgres();

  @Container
  static final GenericContainer<?> destination = postgres();

  @TempDir
  static Path scratch;

  private static GenericContainer<?> postgres() {
    return new GenericContainer<>(DockerImageName.parse("postgres:17"))
        .withNetwork(NETWORK)
        .withEnv("POSTGRES_PASSWORD", "postgres")
        .withCommand("postgres", "-c", "wal_level=logical")
        .withExposedPorts(5432);
  }

  @Test
  void pipelineRunsOnARealClusterAndIsCleanedUp() throws Exception {
    Path kubeconfig = Files.writeString(scratch.resolve("kubeconfig"), k3s.getKubeConfigYaml());
    Path kubectl = ControlPlaneBinaries.fromEnvironment().kubectl();
    run(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "apply", "--server-side", "-k",
        Path.of("..", "deploy", "base").toString());
    // the replicator pod runs the image this build made (replicator-image/target/jib-image.tar)
    k3s.copyFileToContainer(MountableFile.forHostPath("../replicator-image/target/jib-image.tar"), "/tmp/replicator.tar");
    var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/replicator.tar");
    assertEquals(0, imported.getExitCode(), imported.getStderr());

    sql(source, "CREATE TABLE items (id bigint PRIMARY KEY, v text)",
        "INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 5000) g",
        "CREATE PUBLICATION items_pub FOR TABLE items");

    try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
        EtlOperator operator = EtlOperator.start(admin,
            new OperatorSettings(Set.of(), "etl/replicator:0.1.0-SNAPSHOT", Duration.ofSeconds(2), null, 0), false)) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
      admin.resource(Resources.passwordSecret(NS, "pg", "postgres")).create();
      var destinationEndpoint = Resources.local(5432, "postgres", "pg");
      destinationEndpoint.host = ip(destination);
      admin.resource(Resources.postgresDestination(NS, "sink", destinationEndpoint)).create();
      var sourceEndpoint = Resources.local(5432, "postgres", "pg");
      sourceEndpoint.host = ip(source);
      Pipeline pipeline = Resources.pipeline(NS, "items", sourceEndpoint, "items_pub", "sink", SlotReclaimPolicy.Delete);
      pipeline.getSpec().replicator = new io.etl.api.v1alpha1.ReplicatorPodSpec();
      pipeline.getSpec().replicator.imagePullPolicy = "Never";
      admin.resource(pipeline).create();

      await("items Ready=True on k3s", Duration.ofMinutes(5), () -> {
        Pipeline p = Resources.get(admin, NS, "items");
        return conditionIs(p, "Ready", "True", "Streaming") ? p : null;
      }, () -> describe(Resources.get(admin, NS, "items")));
      assertEquals("5000", sql(destination, "SELECT count(*) FROM public.items"));
      String table = run(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "get", "pipelines", "-n", NS);
      assertTrue(table.matches("(?s)NAME\\s+READY\\s+PHASE\\s+TABLES\\s+LAG\\s+DESTINATION\\s+AGE\\s+items\\s+True\\s+Streaming\\s+1/1.*"), table);

      admin.resources(Pipeline.class).inNamespace(NS).withName("items").delete();
      await("the Pipeline is gone", Duration.ofMinutes(3), () -> Resources.get(admin, NS, "items") == null, () -> "");
      assertEquals("0", sql(source, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'etl_items_%'"));
    }
  }

  private static String ip(GenericContainer<?> container) {
    return container.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
  }

  private static String sql(GenericContainer<?> pg, String... statements) throws Exception {
    String url = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getMappedPort(5432) + "/postgres";
    String last = null;
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
      for (String statement : statements) {
        if (s.execute(statement)) {
          try (ResultSet rs = s.getResultSet()) {
            last = rs.next() ? rs.getString(1) : null;
          }
        }
      }
    }
    return last;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + "\n" + out);
    return out;
  }
}
