package io.etl.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the operator in its pod (in-cluster config) or against the current kubeconfig. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("etl-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    EtlOperator operator;
    try {
      operator = EtlOperator.start(client, settings);
    } catch (NamespaceAccess.MissingAccessException e) {
      System.err.println("etl-operator: " + e.getMessage());
      client.close();
      System.exit(2);
      return;
    }
    log.info("etl-operator started: namespaces {}, replicator image {}, observe every {} s, leader election {}, http :{}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(), settings.replicatorImage(),
        settings.observeInterval().toSeconds(),
        settings.leaderElectionNamespace() == null ? "off" : "lease in " + settings.leaderElectionNamespace(),
        operator.httpPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
