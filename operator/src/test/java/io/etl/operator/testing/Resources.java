package io.etl.operator.testing;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationSpec;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.LocalObjectRef;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineSpec;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The objects the operator tests create, built the way a user's manifests would be. */
public final class Resources {
  private Resources() {}

  public static Secret passwordSecret(String namespace, String name, String password) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToStringData("password", password).build();
  }

  public static PostgresEndpoint local(int port, String database, String secretName) {
    PostgresEndpoint e = new PostgresEndpoint();
    e.host = "localhost";
    e.port = port;
    e.database = database;
    e.user = "postgres";
    e.sslMode = io.etl.api.v1alpha1.SslMode.DISABLE;
    e.passwordSecretRef = secretName == null ? null : new SecretKeyRef(secretName, "password");
    return e;
  }

  public static Destination postgresDestination(String namespace, String name, PostgresEndpoint endpoint) {
    Destination d = new Destination();
    d.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    d.setSpec(new DestinationSpec());
    d.getSpec().type = DestinationType.POSTGRES;
    d.getSpec().postgres = endpoint;
    return d;
  }

  public static Pipeline pipeline(String namespace, String name, PostgresEndpoint source, String publication,
      String destination, SlotReclaimPolicy policy) {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/instance", "from-gitops").build());
    p.setSpec(new PipelineSpec());
    p.getSpec().source = source;
    p.getSpec().publication = publication;
    p.getSpec().destinationRef = new LocalObjectRef(destination);
    p.getSpec().slotReclaimPolicy = policy;
    p.getSpec().heartbeatIntervalSeconds = 1;
    return p;
  }

  public static Pipeline get(KubernetesClient client, String namespace, String name) {
    return client.resources(Pipeline.class).inNamespace(namespace).withName(name).get();
  }

  public static Condition condition(Pipeline p, String type) {
    if (p == null || p.getStatus() == null || p.getStatus().conditions == null) {
      return null;
    }
    return p.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public static boolean conditionIs(Pipeline p, String type, String status, String reason) {
    Condition c = condition(p, type);
    return c != null && status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason()));
  }

  public static String describe(Pipeline p) {
    if (p == null) {
      return "(no such Pipeline)";
    }
    return io.fabric8.kubernetes.client.utils.Serialization.asYaml(p.getStatus());
  }
}
