package io.etl.e2e.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the binaries of the local node are: etcd, kube-apiserver and kubectl as
 * scripts/provision-control-plane.sh leaves them, kubelet, kube-controller-manager, kube-scheduler,
 * kube-proxy and the pause image as scripts/provision-node.sh does, and containerd, ctr, runc, the
 * CNI plugins and iptables from Debian. The same variables as the scripts choose cache and version.
 */
record NodeBinaries(String version, Path controlPlane, Path node) {
  static final String DEFAULT_VERSION = "1.34.4";
  static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");

  static NodeBinaries fromEnvironment() {
    String cacheRoot = System.getenv("KUBEAPITEST_DIR");
    String version = System.getenv("K8S_VERSION");
    Path root = cacheRoot != null ? Path.of(cacheRoot) : Path.of(System.getProperty("user.home"), ".kubeapitest");
    String v = version != null ? version : DEFAULT_VERSION;
    return new NodeBinaries(v, root.resolve("k8s").resolve(v + "-linux-amd64"), root.resolve("node").resolve(v + "-linux-amd64"));
  }

  Path etcd() {
    return controlPlane.resolve("etcd");
  }

  Path apiserver() {
    return controlPlane.resolve("kube-apiserver");
  }

  Path kubectl() {
    return controlPlane.resolve("kubectl");
  }

  Path kubelet() {
    return node.resolve("kubelet");
  }

  Path controllerManager() {
    return node.resolve("kube-controller-manager");
  }

  Path scheduler() {
    return node.resolve("kube-scheduler");
  }

  Path proxy() {
    return node.resolve("kube-proxy");
  }

  Path pauseImageTar() {
    return node.resolve("pause-image.tar");
  }

  /** The name the pause image tar carries, e.g. localhost/etl/pause:1.34.4 (containerd's sandbox_image). */
  String pauseImage() {
    return "localhost/etl/pause:" + version;
  }

  /**
   * Fails, naming the script that fixes it, unless everything is there; nothing is downloaded or
   * installed here (the scripts do that, CI runs them first).
   */
  void requirePresent() {
    List<String> missing = new ArrayList<>();
    for (Path p : List.of(etcd(), apiserver(), kubectl())) {
      if (!Files.isExecutable(p)) {
        missing.add(p + " (scripts/provision-control-plane.sh)");
      }
    }
    for (Path p : List.of(kubelet(), controllerManager(), scheduler(), proxy(), pauseImageTar())) {
      if (!Files.exists(p)) {
        missing.add(p + " (scripts/provision-node.sh)");
      }
    }
    for (String command : List.of("containerd", "ctr", "runc", "iptables", "iptables-save", "ip", "umount")) {
      if (onPath(command) == null) {
        missing.add(command + " (scripts/provision-node.sh installs it with apt-get)");
      }
    }
    for (String plugin : List.of("bridge", "host-local", "loopback")) {
      if (!Files.isExecutable(CNI_PLUGINS.resolve(plugin))) {
        missing.add(CNI_PLUGINS.resolve(plugin) + " (scripts/provision-node.sh: Debian's containernetworking-plugins)");
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("The local Kubernetes node of the e2e tests needs " + String.join(", ", missing)
          + ". Fix: run scripts/provision-control-plane.sh and scripts/provision-node.sh once on this machine, as root"
          + " (.ci/run does).");
    }
  }

  static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
