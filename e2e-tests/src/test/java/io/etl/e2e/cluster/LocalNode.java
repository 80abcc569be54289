package io.etl.e2e.cluster;

import io.etl.api.testing.KubectlResult;
import io.etl.core.testing.OciImageTar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real one-node Kubernetes on this machine, under a directory of its own: etcd, kube-apiserver
 * (RBAC, Node authorization, NodeRestriction and PodSecurity admission), kube-controller-manager,
 * kube-scheduler, containerd with runc, the kubelet, kube-proxy and a CNI bridge network
 * ({@link NodeNetwork}). Needs root and what scripts/provision-control-plane.sh and
 * scripts/provision-node.sh provide. One node per machine at a time (a lock file; a second run
 * waits); a run first removes whatever a killed earlier run left ({@link NodeCleanup}), and
 * {@link #close()} (also from a shutdown hook) removes everything this one made.
 */
public final class LocalNode implements Cluster {
  private static final Logger log = LoggerFactory.getLogger(LocalNode.class);
  static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "etl-e2e-node");
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "etl-e2e-node.lock");
  private static final int API_PORT = 6443;
  private static final int KUBELET_PORT = 10250;
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

  private final NodeBinaries binaries = NodeBinaries.fromEnvironment();
  private final NodeFiles files = new NodeFiles(ROOT);
  private final NodeProcesses processes = new NodeProcesses(files.logs(), files.pids());
  private final NodeCleanup cleanup = new NodeCleanup(files, binaries);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::close, "local-node-shutdown");
  private FileChannel lockFile;
  private FileLock lock;
  private Kubectl kubectl;
  private KubernetesClient admin;

  private LocalNode() {}

  /** Starts the node and returns once it is Ready, the API server is reachable from pods and the default ServiceAccount exists. */
  public static LocalNode start() {
    LocalNode node = new LocalNode();
    try {
      node.startAll();
      return node;
    } catch (RuntimeException | Error e) {
      String diagnostics = node.diagnostics();
      node.close();
      throw new IllegalStateException("the local node did not start: " + e.getMessage() + "\n" + diagnostics, e);
    }
  }

  private void startAll() {
    binaries.requirePresent();
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("the local node needs root (containers, mounts, a bridge, iptables); CI runs as root");
    }
    acquireLock();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long started = System.nanoTime();
    cleanup.run();
    cleanup.recordMachineState();
    NodeNetwork.create();

    String server = "https://" + NodeNetwork.GATEWAY + ":" + API_PORT;
    ClusterPki pki = ClusterPki.create(files.pki());
    ClusterPki.Pair apiserverCert = pki.server("kube-apiserver",
        List.of(NodeNetwork.GATEWAY, NodeNetwork.KUBERNETES_SERVICE_IP, "127.0.0.1"),
        List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
    ClusterPki.Pair kubeletServing = pki.server("kubelet-serving", List.of(NodeNetwork.GATEWAY), List.of(NodeFiles.NODE_NAME));
    ClusterPki.Pair apiserverToKubelet = pki.client("apiserver-kubelet-client", "kube-apiserver-kubelet-client", "system:masters");
    ClusterPki.Pair serviceAccounts = pki.serviceAccountKey("service-accounts");
    files.writeKubeconfig("admin", server, pki.caCertificate(), pki.client("admin", "etl-e2e-admin", "system:masters"));
    files.writeKubeconfig("kube-controller-manager", server, pki.caCertificate(),
        pki.client("kube-controller-manager", "system:kube-controller-manager"));
    files.writeKubeconfig("kube-scheduler", server, pki.caCertificate(), pki.client("kube-scheduler", "system:kube-scheduler"));
    files.writeKubeconfig("kube-proxy", server, pki.caCertificate(), pki.client("kube-proxy", "system:kube-proxy"));
    files.writeKubeconfig("kubelet", server, pki.caCertificate(),
        pki.client("kubelet", "system:node:" + NodeFiles.NODE_NAME, "system:nodes"));
    kubectl = new Kubectl(binaries.kubectl(), files.kubeconfig("admin"), files.kubectlCache());

    int etcdClient = freePort();
    int etcdPeer = freePort();
    String etcd = "http://127.0.0.1:" + etcdClient;
    processes.start("etcd", List.of(binaries.etcd().toString(), "--data-dir", files.etcdData().toString(),
        "--listen-client-urls", etcd, "--advertise-client-urls", etcd,
        "--listen-peer-urls", "http://127.0.0.1:" + etcdPeer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeer,
        "--initial-cluster", "default=http://127.0.0.1:" + etcdPeer, "--unsafe-no-fsync", "--log-level", "warn"));
    processes.start("kube-apiserver", List.of(binaries.apiserver().toString(),
        "--etcd-servers", etcd,
        "--advertise-address", NodeNetwork.GATEWAY, "--bind-address", NodeNetwork.GATEWAY, "--secure-port", "" + API_PORT,
        "--service-cluster-ip-range", NodeNetwork.SERVICE_SUBNET,
        "--client-ca-file", pki.caCertificate().toString(),
        "--tls-cert-file", apiserverCert.certificate().toString(), "--tls-private-key-file", apiserverCert.key().toString(),
        "--authorization-mode", "Node,RBAC",
        // PodSecurity is on by default; NodeRestriction keeps the kubelet to its own node and pods
        "--enable-admission-plugins", "NodeRestriction,PodSecurity",
        "--kubelet-client-certificate", apiserverToKubelet.certificate().toString(),
        "--kubelet-client-key", apiserverToKubelet.key().toString(),
        "--kubelet-certificate-authority", pki.caCertificate().toString(),
        // logs, exec and port-forward dial the node's address, not its name (nothing resolves it)
        "--kubelet-preferred-address-types", "InternalIP",
        "--service-account-issuer", "https://kubernetes.default.svc",
        "--service-account-key-file", serviceAccounts.certificate().toString(),
        "--service-account-signing-key-file", serviceAccounts.key().toString(),
        "--allow-privileged=false", "--profiling=false"));
    await("the API server is ready", () -> kubectl.run(null, "get", "--raw", "/readyz").succeeded(), "kube-apiserver");
    admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(readString(files.kubeconfig("admin")))).build();

    processes.start("kube-controller-manager", List.of(binaries.controllerManager().toString(),
        "--kubeconfig", files.kubeconfig("kube-controller-manager").toString(),
        "--service-account-private-key-file", serviceAccounts.key().toString(),
        "--root-ca-file", pki.caCertificate().toString(),
        "--use-service-account-credentials", "--leader-elect=false", "--secure-port", "0",
        "--cluster-cidr", NodeNetwork.POD_SUBNET, "--service-cluster-ip-range", NodeNetwork.SERVICE_SUBNET));
    processes.start("kube-scheduler", List.of(binaries.scheduler().toString(),
        "--kubeconfig", files.kubeconfig("kube-scheduler").toString(), "--leader-elect=false", "--secure-port", "0"));

    files.writeContainerdConfig(binaries.pauseImage());
    files.writeCniConfig();
    processes.start("containerd", List.of(NodeBinaries.onPath("containerd").toString(), "--config",
        files.containerdConfig().toString()));
    await("containerd answers", () -> ctr("version").succeeded(), "containerd");
    checkCtr("images", "import", binaries.pauseImageTar().toString());

    for (Path hierarchy : NodeCleanup.cgroupHierarchies()) {
      createDirectories(hierarchy.resolve(NodeFiles.CGROUP_ROOT));
    }
    files.writeKubeletConfig(pki.caCertificate(), kubeletServing, KUBELET_PORT);
    processes.start("kubelet", List.of(binaries.kubelet().toString(),
        "--config", files.kubeletConfig().toString(),
        "--kubeconfig", files.kubeconfig("kubelet").toString(),
        "--root-dir", files.kubeletRoot().toString(),
        "--cert-dir", files.root().resolve("kubelet/pki").toString(),
        "--hostname-override", NodeFiles.NODE_NAME, "--node-ip", NodeNetwork.GATEWAY));
    files.writeProxyConfig();
    processes.start("kube-proxy", List.of(binaries.proxy().toString(), "--config", files.proxyConfig().toString()));

    await("node " + NodeFiles.NODE_NAME + " Ready", this::nodeReady, "kubelet");
    await("kube-proxy routes Service default/kubernetes (" + NodeNetwork.KUBERNETES_SERVICE_IP + ")",
        () -> HostCommand.run("iptables", "-t", "nat", "-S", "KUBE-SERVICES").output()
            .contains(NodeNetwork.KUBERNETES_SERVICE_IP + "/32"), "kube-proxy");
    await("ServiceAccount default/default and ConfigMap kube-root-ca.crt",
        () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null
            && admin.configMaps().inNamespace("default").withName("kube-root-ca.crt").get() != null,
        "kube-controller-manager");
    log.info("local node {} (Kubernetes v{}) ready in {} ms at {}: pods on {}, services on {}", NodeFiles.NODE_NAME,
        binaries.version(), (System.nanoTime() - started) / 1_000_000, server, NodeNetwork.POD_SUBNET, NodeNetwork.SERVICE_SUBNET);
  }

  private boolean nodeReady() {
    Node node = admin.nodes().withName(NodeFiles.NODE_NAME).get();
    return node != null && node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void acquireLock() {
    try {
      lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = lockFile.tryLock();
      if (lock == null) {
        log.info("waiting for {}: another build runs the local node of this machine", LOCK);
        lock = lockFile.lock();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String name() {
    return "local node";
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
    // ctr reads CONTAINERD_ADDRESS: a documented `ctr -n k8s.io ...` runs against this node's containerd as written
    return Map.of("PATH", binaries.kubectl().getParent() + ":" + System.getenv("PATH"),
        "KUBECONFIG", files.kubeconfig("admin").toString(), "CONTAINERD_ADDRESS", files.containerdSocket().toString());
  }

  @Override
  public void loadImage(Path ociTar, String image) {
    try {
      String named = OciImageTar.referenceName(ociTar);
      checkCtr("images", "import", ociTar.toString());
      checkCtr("images", "tag", "--force", named, image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String hostAddressForPods() {
    return NodeNetwork.GATEWAY;
  }

  @Override
  public String podTrafficSubnet() {
    return NodeNetwork.POD_SUBNET;
  }

  @Override
  public void killContainer(Pod pod, String container) {
    checkCtr("tasks", "kill", "--signal", "SIGKILL", ContainerIds.of(pod, container));
  }

  @Override
  public long emptyDirBytes(Pod pod, String volume) {
    Path dir = files.kubeletRoot().resolve("pods").resolve(pod.getMetadata().getUid())
        .resolve("volumes/kubernetes.io~empty-dir").resolve(volume);
    return Long.parseLong(HostCommand.check("du", "-sb", dir.toString()).split("\\s+")[0]);
  }

  @Override
  public String diagnostics() {
    StringBuilder out = new StringBuilder("--- local node: daemons alive ").append(cleanup.daemonsAlive()).append('\n');
    if (Files.exists(files.containerdSocket())) {
      out.append("--- ctr tasks ls\n").append(ctr("tasks", "ls").output());
    }
    for (String daemon : processes.names()) {
      if (daemon.equals("kubelet") || daemon.equals("containerd")) {
        out.append("--- ").append(daemon).append(" log (last 30 lines)\n").append(processes.tail(daemon, 30)).append('\n');
      }
    }
    return out.toString();
  }

  /** The node's log files (kubelet, containerd, ...), for a scenario that wants to show one. */
  public Path logOf(String daemon) {
    return processes.log(daemon);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (Thread.currentThread() != shutdownHook) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
    } catch (IllegalStateException e) {
      // shutting down already
    }
    try {
      if (admin != null) {
        admin.close();
      }
      // the node side first (nothing restarts a container once the kubelet is gone), the control plane last
      for (String daemon : List.of("kube-proxy", "kubelet")) {
        processes.stop(daemon, Duration.ofSeconds(10));
      }
      if (lock != null) {
        cleanup.run(); // the containers, then the remaining daemons, mounts, network, cgroups
      }
      for (String daemon : List.of("kube-scheduler", "kube-controller-manager", "containerd", "kube-apiserver", "etcd")) {
        processes.stop(daemon, Duration.ofSeconds(10));
      }
    } catch (RuntimeException e) {
      log.error("local node: clean-up failed; the next run cleans up again before it starts", e);
    } finally {
      releaseLock();
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockFile != null) {
        lockFile.close();
      }
    } catch (IOException e) {
      log.warn("could not release {}: {}", LOCK, e.toString());
    }
  }

  private HostCommand ctr(String... args) {
    List<String> command = new ArrayList<>(List.of("ctr", "--address", files.containerdSocket().toString(), "--namespace", "k8s.io"));
    command.addAll(List.of(args));
    return HostCommand.run(command);
  }

  private void checkCtr(String... args) {
    HostCommand result = ctr(args);
    if (!result.succeeded()) {
      throw new IllegalStateException("ctr " + String.join(" ", args) + " exited with " + result.exitCode() + ":\n" + result.output());
    }
  }

  private void await(String what, BooleanSupplier condition, String daemon) {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      processes.requireRunning(daemon);
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        log.debug("{}: not yet ({})", what, e.toString());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what);
      }
    }
    throw new IllegalStateException("never happened in " + STEP_TIMEOUT.toSeconds() + " s: " + what + "; the end of "
        + processes.log(daemon) + ":\n" + processes.tail(daemon, 40));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDirectories(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
