package io.etl.bench.operator;

import io.etl.operator.EtlOperator;
import io.etl.operator.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The operator as in its pod, in a JVM of its own so its heap and RSS are its alone: it talks to
 * the API server as the ServiceAccount of deploy/base (impersonated, so RBAC applies as in a
 * cluster). Arguments: admin kubeconfig, HTTP port, observe interval in seconds.
 */
public final class OperatorProcess {
  static final String NAMESPACE = "etl-system";
  static final String SERVICE_ACCOUNT = "etl-operator";

  private OperatorProcess() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    config.setImpersonateUsername("system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT);
    config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + NAMESPACE);
    var client = new KubernetesClientBuilder().withConfig(config).build();
    OperatorSettings settings = new OperatorSettings(Set.of(), "etl/replicator:bench",
        Duration.ofSeconds(Long.parseLong(args[2])), NAMESPACE, Integer.parseInt(args[1]));
    EtlOperator.start(client, settings, false);
    System.out.println("operator started");
    Thread.currentThread().join(); // until the parent destroys this process
  }
}
