package io.etl.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local node's directory and the configuration files in it. Everything the node writes stays
 * under {@link #root}, except what the daemons put in fixed places of their own (runc, the CNI
 * cache, containerd's shim sockets, the kubelet's log links), which {@link NodeCleanup} removes.
 */
record NodeFiles(Path root) {
  static final String NODE_NAME = "etl-e2e-node";
  /** A parent of its own in every cgroup hierarchy, so a clean-up finds every container's processes. */
  static final String CGROUP_ROOT = "etl-e2e";
  static final String CNI_NETWORK = "etl-e2e";

  Path pki() {
    return root.resolve("pki");
  }

  Path kubeconfig(String component) {
    return root.resolve("kube").resolve(component + ".kubeconfig");
  }

  Path etcdData() {
    return root.resolve("etcd");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path pids() {
    return root.resolve("pids");
  }

  Path state() {
    return root.resolve("state");
  }

  Path containerdSocket() {
    return root.resolve("containerd/containerd.sock");
  }

  Path containerdConfig() {
    return root.resolve("containerd/config.toml");
  }

  Path containerdState() {
    return root.resolve("containerd/state");
  }

  Path cniConfigDir() {
    return root.resolve("cni/net.d");
  }

  Path kubeletConfig() {
    return root.resolve("kubelet/config.yaml");
  }

  Path kubeletRoot() {
    return root.resolve("kubelet/root");
  }

  Path podLogs() {
    return root.resolve("pod-logs");
  }

  Path proxyConfig() {
    return root.resolve("kube/proxy.yaml");
  }

  Path kubectlCache() {
    return root.resolve("kubectl");
  }

  void writeKubeconfig(String component, String server, Path ca, ClusterPki.Pair client) {
    write(kubeconfig(component), """
        apiVersion: v1
        kind: Config
        clusters:
          - name: etl-e2e
            cluster:
              server: %s
              certificate-authority: %s
        users:
          - name: %s
            user:
              client-certificate: %s
              client-key: %s
        contexts:
          - name: etl-e2e
            context: {cluster: etl-e2e, user: %s}
        current-context: etl-e2e
        """.formatted(server, ca, component, client.certificate(), client.key(), component));
  }

  /**
   * containerd 1.6 (Debian's) with its own root, state and socket here. {@code restrict_oom_score_adj}:
   * this VM has no CAP_SYS_RESOURCE, and without it runc fails every sandbox ("can't get final child's
   * PID from pipe: EOF"). runc's state and the CNI network namespaces go under the state directory too.
   */
  void writeContainerdConfig(String sandboxImage) {
    write(containerdConfig(), """
        version = 2
        root = "%1$s/containerd/root"
        state = "%1$s/containerd/state"
        disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs",
          "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
          "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
        [grpc]
          address = "%1$s/containerd/containerd.sock"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%2$s"
          restrict_oom_score_adj = true
          netns_mounts_under_state_dir = true
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%3$s"
            conf_dir = "%4$s"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
                Root = "%1$s/runc"
        """.formatted(root, sandboxImage, NodeBinaries.CNI_PLUGINS, cniConfigDir()));
  }

  /**
   * One bridge network: the gateway is the host on the bridge, no masquerade, routes to the pod and
   * the service ranges only (no default route: a pod has nowhere else to send to), IPAM state here.
   */
  void writeCniConfig() {
    write(cniConfigDir().resolve("10-etl-e2e.conflist"), """
        {
          "cniVersion": "0.4.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "dataDir": "%s",
                "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                "routes": [{"dst": "%s"}, {"dst": "%s"}]
              }
            },
            {"type": "loopback"}
          ]
        }
        """.formatted(CNI_NETWORK, NodeNetwork.BRIDGE, root.resolve("cni/ipam"), NodeNetwork.POD_SUBNET,
        NodeNetwork.GATEWAY, NodeNetwork.POD_SUBNET, NodeNetwork.SERVICE_SUBNET));
  }

  /**
   * The kubelet: cgroupfs driver ({@code failCgroupV1: false} lets it run on this VM's cgroup v1; containerd
   * 1.6 has no RuntimeConfig call, so the kubelet uses the configured driver), serving on the bridge address
   * with a certificate the API server checks, client certificates and webhook authorization for the API
   * server's calls (logs, exec, port-forward), no eviction or image garbage collection that a busy test
   * machine could trigger.
   */
  void writeKubeletConfig(Path ca, ClusterPki.Pair serving, int port) {
    write(kubeletConfig(), """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %s
        port: %d
        readOnlyPort: 0
        healthzPort: 0
        cgroupDriver: cgroupfs
        cgroupRoot: /%s
        failCgroupV1: false
        failSwapOn: false
        containerRuntimeEndpoint: unix://%s
        podLogsDir: %s
        tlsCertFile: %s
        tlsPrivateKeyFile: %s
        authentication:
          anonymous: {enabled: false}
          webhook: {enabled: true}
          x509: {clientCAFile: %s}
        authorization: {mode: Webhook}
        enforceNodeAllocatable: []
        evictionHard: {}
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        serializeImagePulls: false
        resolvConf: ""
        """.formatted(NodeNetwork.GATEWAY, port, CGROUP_ROOT, containerdSocket(), podLogs(), serving.certificate(),
        serving.key(), ca));
  }

  /**
   * kube-proxy in iptables mode; it leaves the conntrack sysctls alone and does not open node ports
   * on localhost (which would turn on route_localnet); no health or metrics ports.
   */
  void writeProxyConfig() {
    write(proxyConfig(), """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        clientConnection: {kubeconfig: %s}
        hostnameOverride: %s
        mode: iptables
        clusterCIDR: %s
        bindAddress: %s
        healthzBindAddress: ""
        metricsBindAddress: ""
        iptables: {localhostNodePorts: false}
        conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
        """.formatted(kubeconfig("kube-proxy"), NODE_NAME, NodeNetwork.POD_SUBNET, NodeNetwork.GATEWAY));
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
