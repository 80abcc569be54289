package io.etl.e2e.cluster;

import io.etl.api.testing.KubectlResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;

/**
 * A running Kubernetes cluster with a kubelet, as the scenarios see it: the real node started here
 * ({@link LocalNode}) or k3s in Docker ({@link K3sCluster}). The PostgreSQL servers the scenarios
 * use run on the test's host; pods reach them at {@link #hostAddressForPods()}.
 */
public interface Cluster extends AutoCloseable {
  /** For messages and logs, e.g. "local node". */
  String name();

  /** A client that may do anything (group system:masters). */
  KubernetesClient admin();

  /** The real kubectl as the admin, e.g. {@code kubectl("get", "pods", "-A")}. */
  KubectlResult kubectl(String... args);

  /** Like {@link #kubectl(String...)} with {@code stdin} as standard input ({@code apply -f -}). */
  KubectlResult kubectlWithInput(String stdin, String... args);

  /**
   * The environment of a shell command that runs {@code kubectl} as a user would: this cluster's
   * kubectl first on the PATH and KUBECONFIG naming the admin's kubeconfig.
   */
  Map<String, String> shellEnvironment();

  /**
   * Loads an OCI image tar (as Jib's buildTar writes it) into the node's container runtime under
   * {@code image}, a fully qualified name such as {@code docker.io/etl/replicator:0.1.0-SNAPSHOT}:
   * the kubelet looks names up fully qualified.
   */
  void loadImage(Path ociTar, String image);

  /** The address at which pods reach a server that listens on it on the test's host. */
  String hostAddressForPods();

  /** The addresses pod traffic arrives from at such a server (for its pg_hba.conf), in CIDR form. */
  String podTrafficSubnet();

  /** Kills the main process of a running container with SIGKILL through the container runtime, as an OOM kill or a crash would end it. */
  void killContainer(Pod pod, String container);

  /** Bytes used on the node by the {@code emptyDir} volume {@code volume} of the running pod. */
  long emptyDirBytes(Pod pod, String volume);

  /** A report of the node's state for a failure message: processes, the runtime's containers, recent kubelet log lines. */
  String diagnostics();

  /** Stops the cluster and removes what it made (processes, mounts, network interfaces, firewall rules). */
  @Override
  void close();
}
