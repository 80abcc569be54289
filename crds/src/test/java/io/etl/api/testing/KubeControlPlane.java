package io.etl.api.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real kube-apiserver and etcd (fabric8 kube-api-test, offline, binaries from
 * scripts/provision-control-plane.sh) with the CRDs of deploy/crds applied and Established; one per
 * test class:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KubeControlPlane kube = new KubeControlPlane();
 * </pre>
 *
 * <p>RBAC is enforced. {@link #client()} authenticates with a client certificate in group
 * system:masters, so it may do anything; {@link #clientAs} and {@link #clientAsServiceAccount}
 * impersonate identities that may do only what Roles and RoleBindings grant them.
 */
public final class KubeControlPlane implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(KubeControlPlane.class);
  // generous: the API server shares two cores with other builds
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration CRD_TIMEOUT = Duration.ofMinutes(1);

  private final List<KubernetesClient> clients = new ArrayList<>();
  private int classesUsing; // a @Nested class shares the server of its enclosing class
  private ControlPlaneBinaries binaries;
  private Path workDir;
  private KubeAPIServer server;
  private String kubeconfigYaml;
  private Path kubeconfig;
  private KubernetesClient admin;
  private Kubectl kubectl;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (classesUsing++ == 0) {
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (--classesUsing == 0) {
      stop();
    }
  }

  private void start() throws IOException {
    binaries = ControlPlaneBinaries.fromEnvironment();
    binaries.requirePresent();
    workDir = Files.createTempDirectory("kube-control-plane-");
    binaries.linkInto(workDir);
    long started = System.nanoTime();
    server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(workDir.toString())
        .withApiServerVersion(binaries.version())
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout((int) STARTUP_TIMEOUT.toMillis())
        .build());
    server.start();
    long serverReady = System.nanoTime();
    kubeconfigYaml = server.getKubeConfigYaml();
    kubeconfig = Files.writeString(workDir.resolve("kubeconfig"), kubeconfigYaml);
    admin = newClient(Config.fromKubeconfig(kubeconfigYaml));
    kubectl = new Kubectl(binaries.kubectl(), kubeconfig, Files.createDirectory(workDir.resolve("kubectl")));
    List<String> crds = EtlCrds.applyAndAwaitEstablished(admin, repositoryRoot(), CRD_TIMEOUT);
    log.info("kube-apiserver v{} ready in {} ms, CRDs {} established {} ms later ({})", binaries.version(),
        (serverReady - started) / 1_000_000, crds, (System.nanoTime() - serverReady) / 1_000_000, admin.getMasterUrl());
  }

  private void stop() throws IOException {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    admin = null;
    if (server != null) {
      server.stop();
      server = null;
    }
    if (workDir != null) {
      deleteRecursively(workDir);
      workDir = null;
    }
  }

  /** A client that may do anything (group system:masters), default namespace "default". */
  public KubernetesClient client() {
    requireStarted();
    return admin;
  }

  /**
   * A client that impersonates {@code user} in {@code groups} (the API server adds
   * system:authenticated); it may do only what RBAC grants them. Closed when the class is done.
   */
  public KubernetesClient clientAs(String user, String... groups) {
    requireStarted();
    Config config = Config.fromKubeconfig(kubeconfigYaml);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return newClient(config);
  }

  /** A client that acts as the service account {@code namespace/name}, as a pod running under it would. */
  public KubernetesClient clientAsServiceAccount(String namespace, String name) {
    return clientAs("system:serviceaccount:" + namespace + ":" + name,
        "system:serviceaccounts", "system:serviceaccounts:" + namespace);
  }

  /** Runs the real kubectl against this API server as the admin, e.g. {@code kubectl("get", "pl", "-A")}. */
  public KubectlResult kubectl(String... args) {
    requireStarted();
    return kubectl.run(null, args);
  }

  /** Like {@link #kubectl(String...)}, with {@code stdin} as the standard input, e.g. for {@code apply -f -}. */
  public KubectlResult kubectlWithInput(String stdin, String... args) {
    requireStarted();
    return kubectl.run(stdin, args);
  }

  /**
   * Environment for a shell command that runs {@code kubectl} as a user would: this kubectl
   * first on the PATH, and KUBECONFIG naming the admin's kubeconfig of this server.
   */
  public Map<String, String> shellEnvironment() {
    requireStarted();
    return Map.of("PATH", binaries.kubectl().getParent() + ":" + System.getenv("PATH"), "KUBECONFIG", kubeconfig.toString());
  }

  /** A kubeconfig file for the admin; deleted when the class is done. */
  public Path kubeconfig() {
    requireStarted();
    return kubeconfig;
  }

  /** The Kubernetes version of the binaries, e.g. 1.34.4. */
  public String version() {
    requireStarted();
    return binaries.version();
  }

  /** The repository root (the directory holding deploy/), to apply other checked-in manifests. */
  public Path repositoryRoot() {
    return EtlCrds.repositoryRoot();
  }

  private KubernetesClient newClient(Config config) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  private void requireStarted() {
    if (admin == null) {
      throw new IllegalStateException("the control plane is not running: register KubeControlPlane in a static"
          + " field with @RegisterExtension, and use it only from tests or @BeforeEach/@BeforeAll methods");
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    // Files.walk does not follow the link to the binaries, so only the link itself is deleted
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
