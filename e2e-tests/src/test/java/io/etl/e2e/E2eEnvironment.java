package io.etl.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.api.testing.KubectlResult;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.OciImageTar;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.ShellCommand;
import io.etl.core.testing.TestCertificates;
import io.etl.e2e.cluster.Cluster;
import io.etl.e2e.cluster.K3sCluster;
import io.etl.e2e.cluster.LocalNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every scenario runs against, made once per cluster kind for the whole test run
 * ({@link OnCluster}): the cluster, the images this build made loaded into its runtime, a source
 * and a destination PostgreSQL 17 on the test's host where pods reach them (TLS on, so the
 * default sslMode {@code require} of a Pipeline holds without a CA), and the operator installed
 * as a user installs it, with the commands of deploy/README.md run exactly as written.
 */
public final class E2eEnvironment implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(E2eEnvironment.class);
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final DocumentedCommands DEPLOY_README = DocumentedCommands.of(ROOT.resolve("deploy/README.md"));
  static final Path OPERATOR_IMAGE_TAR = ROOT.resolve("operator/target/jib-image.tar");
  static final Path REPLICATOR_IMAGE_TAR = ROOT.resolve("replicator-image/target/jib-image.tar");

  private final Cluster cluster;
  private final Path scratch;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private PostgresServer source;
  private PostgresServer destination;
  private String replicatorImage;
  private long installMillis;

  private E2eEnvironment(Cluster cluster, Path scratch) {
    this.cluster = cluster;
    this.scratch = scratch;
  }

  static E2eEnvironment start(OnCluster.Kind kind) {
    for (Path tar : List.of(OPERATOR_IMAGE_TAR, REPLICATOR_IMAGE_TAR)) {
      if (!Files.isRegularFile(tar)) {
        throw new IllegalStateException(tar + " is missing: the image tars are built by the operator and replicator-image"
            + " modules at package. Fix: run the e2e tests with -am, e.g. ./mvnw -B -pl e2e-tests -am verify"
            + " -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false");
      }
    }
    Cluster cluster = kind == OnCluster.Kind.LOCAL_NODE ? LocalNode.start() : K3sCluster.start();
    E2eEnvironment env;
    try {
      env = new E2eEnvironment(cluster, Files.createTempDirectory("etl-e2e-"));
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    }
    try {
      env.loadImages();
      env.startServers();
      env.install();
      return env;
    } catch (RuntimeException | Error e) {
      String diagnostics = cluster.diagnostics();
      env.close();
      throw new IllegalStateException("the e2e environment on the " + cluster.name() + " did not start: " + e.getMessage()
          + "\n" + diagnostics, e);
    }
  }

  /** The two images, under fully qualified names: the kubelet looks {@code etl/replicator:x} up as {@code docker.io/etl/replicator:x}. */
  private void loadImages() {
    try {
      for (Path tar : List.of(OPERATOR_IMAGE_TAR, REPLICATOR_IMAGE_TAR)) {
        String image = "docker.io/" + OciImageTar.referenceName(tar);
        cluster.loadImage(tar, image);
        if (tar.equals(REPLICATOR_IMAGE_TAR)) {
          replicatorImage = image;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServers() {
    TestCertificates ca = TestCertificates.authority("etl-e2e-postgres-ca");
    source = PostgresServer.startListeningOn(cluster.hostAddressForPods(), cluster.podTrafficSubnet(),
        ca.issueServer(scratch, "source.etl-e2e"));
    owned.add(source);
    destination = PostgresServer.startListeningOn(cluster.hostAddressForPods(), cluster.podTrafficSubnet(),
        ca.issueServer(scratch, "destination.etl-e2e"));
    owned.add(destination);
  }

  /** deploy/README.md's install, with the e2e overlay (the image names and a short observe interval) for base. */
  private void install() {
    long started = System.nanoTime();
    sh(DEPLOY_README.under("### A node without a registry", "kubectl apply -k deploy/overlays/e2e"));
    sh(DEPLOY_README.under("## Install", "kubectl -n etl-system rollout status deploy/etl-operator"));
    installMillis = (System.nanoTime() - started) / 1_000_000;
    log.info("etl installed on the {} in {} ms: the operator runs as a pod", cluster.name(), installMillis);
  }

  public Cluster cluster() {
    return cluster;
  }

  public KubernetesClient admin() {
    return cluster.admin();
  }

  public PostgresServer source() {
    return source;
  }

  public PostgresServer destination() {
    return destination;
  }

  /** Where pods reach the two servers. */
  public String serverHost() {
    return cluster.hostAddressForPods();
  }

  /** The replicator image as loaded, e.g. docker.io/etl/replicator:0.1.0-SNAPSHOT. */
  public String replicatorImage() {
    return replicatorImage;
  }

  public long installMillis() {
    return installMillis;
  }

  public Path scratch() {
    return scratch;
  }

  public Path repositoryRoot() {
    return ROOT;
  }

  public KubectlResult kubectl(String... args) {
    return cluster.kubectl(args);
  }

  /**
   * Runs a shell command as a user would, with bash in the repository's root and this cluster's
   * kubectl and kubeconfig; returns its output (stdout and stderr), failing unless it exits 0.
   */
  public String sh(String command) {
    Path out = scratch.resolve("sh-" + System.nanoTime() + ".log");
    try {
      int code = ShellCommand.run(command, ROOT, cluster.shellEnvironment(), out, Duration.ofMinutes(16));
      String output = Files.readString(out);
      assertEquals(0, code, command + "\n" + output);
      log.info("$ {}\n{}", command, output.strip());
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a long-running shell command (a port-forward), its output in {@code log}; close it when done. */
  public ShellCommand shStart(String command, Path logFile) {
    return ShellCommand.start(command, ROOT, cluster.shellEnvironment(), logFile);
  }

  @Override
  public void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      AutoCloseable resource = owned.get(i);
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {}: {}", resource, e.toString());
      }
    }
    cluster.close();
    try (var files = Files.walk(scratch)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}: {}", scratch, e.toString());
    }
  }
}
