package io.etl.e2e.cluster;

import io.etl.api.testing.ControlPlaneBinaries;
import io.etl.api.testing.KubectlResult;
import io.etl.core.testing.OciImageTar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.Network;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * k3s in a Docker container (Testcontainers), for machines with a Docker engine: the same
 * scenarios as on {@link LocalNode}. Pods reach the test's PostgreSQL servers at the gateway of
 * the container's Docker network, the host's own address on that network (Linux Docker; Docker
 * Desktop has no such address), and their traffic arrives there from the k3s container's address,
 * masqueraded. Not run on a machine without Docker (its scenario classes are skipped, and say so).
 */
public final class K3sCluster implements Cluster {
  static final DockerImageName IMAGE = DockerImageName.parse("rancher/k3s:v1.34.1-k3s1");

  private final Network network;
  private final K3sContainer k3s;
  private final Kubectl kubectl;
  private final KubernetesClient admin;
  private final Path workDir;

  private K3sCluster(Network network, K3sContainer k3s, Path workDir) throws IOException {
    this.network = network;
    this.k3s = k3s;
    this.workDir = workDir;
    Path kubeconfig = Files.writeString(workDir.resolve("kubeconfig"), k3s.getKubeConfigYaml());
    this.kubectl = new Kubectl(ControlPlaneBinaries.fromEnvironment().kubectl(), kubeconfig, workDir.resolve("kubectl"));
    this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
  }

  public static K3sCluster start() {
    Network network = Network.newNetwork();
    K3sContainer k3s = new K3sContainer(IMAGE).withNetwork(network);
    try {
      k3s.start();
      return new K3sCluster(network, k3s, Files.createTempDirectory("etl-e2e-k3s-"));
    } catch (IOException e) {
      k3s.stop();
      network.close();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "k3s";
  }

  @Override
  public KubernetesClient admin() {
    return admin;
  }

  @Override
  public KubectlResult kubectl(String... args) {
    return kubectl.run(null, args);
  }

  @Override
  public KubectlResult kubectlWithInput(String stdin, String... args) {
    return kubectl.run(stdin, args);
  }

  @Override
  public Map<String, String> shellEnvironment() {
    return Map.of("PATH", kubectl.binary().getParent() + ":" + System.getenv("PATH"), "KUBECONFIG", kubectl.kubeconfig().toString());
  }

  @Override
  public void loadImage(Path ociTar, String image) {
    try {
      String inside = "/tmp/" + ociTar.getParent().getParent().getFileName() + "-image.tar";
      k3s.copyFileToContainer(MountableFile.forHostPath(ociTar), inside);
      exec("ctr", "-n", "k8s.io", "images", "import", inside);
      exec("ctr", "-n", "k8s.io", "images", "tag", "--force", OciImageTar.referenceName(ociTar), image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String hostAddressForPods() {
    return dockerNetwork().getIpam().getConfig().get(0).getGateway();
  }

  @Override
  public String podTrafficSubnet() {
    return dockerNetwork().getIpam().getConfig().get(0).getSubnet();
  }

  private com.github.dockerjava.api.model.Network dockerNetwork() {
    return DockerClientFactory.instance().client().inspectNetworkCmd().withNetworkId(network.getId()).exec();
  }

  @Override
  public void killContainer(Pod pod, String container) {
    exec("ctr", "-n", "k8s.io", "tasks", "kill", "--signal", "SIGKILL", ContainerIds.of(pod, container));
  }

  @Override
  public long emptyDirBytes(Pod pod, String volume) {
    String dir = "/var/lib/kubelet/pods/" + pod.getMetadata().getUid() + "/volumes/kubernetes.io~empty-dir/" + volume;
    return Long.parseLong(exec("du", "-sb", dir).split("\\s+")[0]);
  }

  @Override
  public String diagnostics() {
    List<String> lines = k3s.getLogs().lines().toList();
    return "--- k3s log (last 30 lines)\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private String exec(String... command) {
    try {
      ExecResult result = k3s.execInContainer(command);
      if (result.getExitCode() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " in k3s exited with " + result.getExitCode() + ":\n"
            + result.getStdout() + result.getStderr());
      }
      return result.getStdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    admin.close();
    k3s.stop();
    network.close();
    NodeCleanup.deleteTree(workDir);
  }
}
