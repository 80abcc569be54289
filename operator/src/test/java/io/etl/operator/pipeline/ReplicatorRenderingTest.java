package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.etl.api.v1alpha1.BatchSpec;
import io.etl.api.v1alpha1.BigQueryTarget;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationSpec;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.LocalObjectRef;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineSpec;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.api.v1alpha1.SslMode;
import io.etl.core.config.PipelineConfig;
import io.etl.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator renders for a replicator, checked without a cluster. */
class ReplicatorRenderingTest {
  private static final ObjectMapper STRICT_YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Pipeline pipeline() {
    Pipeline p = new Pipeline();
    p.setMetadata(new ObjectMetaBuilder().withName("orders-sync").withNamespace("shop").withUid("u-1")
        .withLabels(Map.of("argocd.argoproj.io/instance", "shop-app", "team", "data")).build());
    PipelineSpec spec = new PipelineSpec();
    spec.source = endpoint("source.db", "app", "src-secret");
    spec.publication = "orders_pub";
    spec.destinationRef = new LocalObjectRef("warehouse");
    p.setSpec(spec);
    return p;
  }

  static Destination destination() {
    Destination d = new Destination();
    d.setMetadata(new ObjectMetaBuilder().withName("warehouse").withNamespace("shop").build());
    DestinationSpec spec = new DestinationSpec();
    spec.type = DestinationType.POSTGRES;
    spec.postgres = endpoint("dest.db", "dwh", "dst-secret");
    d.setSpec(spec);
    return d;
  }

  private static PostgresEndpoint endpoint(String host, String database, String secret) {
    PostgresEndpoint e = new PostgresEndpoint();
    e.host = host;
    e.database = database;
    e.user = "etl";
    e.passwordSecretRef = new SecretKeyRef(secret, "password");
    return e;
  }

  @Test
  void renderedConfigIsOneTheReplicatorAcceptsAndNamesSecretsOnlyByVariable() throws Exception {
    Pipeline p = pipeline();
    String yaml = ReplicatorConfig.render(p, destination(), SecretWiring.of(p, destination()));
    PipelineConfig config = STRICT_YAML.readValue(yaml, PipelineConfig.class);
    assertEquals(List.of(), config.problems(), yaml);
    assertEquals("orders_sync", config.pipeline().id());
    assertEquals("etl_orders_sync_apply", config.applySlotName());
    assertEquals("ETL_SOURCE_PASSWORD", config.source().password().env());
    assertEquals("ETL_DESTINATION_PASSWORD", config.destination().postgres().password().env());
    assertEquals("0.0.0.0", config.http().bindAddress());
    // /status and table retries: loopback only, reached through kubectl port-forward
    assertEquals("127.0.0.1", config.http().admin().bindAddress());
    assertEquals(9188, config.http().admin().port());
    assertNull(config.http().admin().token());
    assertFalse(yaml.contains("src-secret") || yaml.contains("dst-secret"), yaml);
  }

  @Test
  void sslModeLeftOutIsVerifyFullWithACaSecretAndRequireWithout() throws Exception {
    Pipeline p = pipeline();
    Destination d = destination();
    d.getSpec().postgres.caSecretRef = new SecretKeyRef("dw-ca", "ca.crt");
    String yaml = ReplicatorConfig.render(p, d, SecretWiring.of(p, d));
    PipelineConfig config = STRICT_YAML.readValue(yaml, PipelineConfig.class);
    assertEquals("require", config.source().sslMode(), yaml);
    assertEquals("verify-full", config.destination().postgres().sslMode(), yaml);
    assertEquals("/etc/etl/secrets/destination-ca/ca.crt", config.destination().postgres().sslRootCert(), yaml);
    // written out, so the ConfigMap shows the mode in force rather than leaving it to a default
    assertTrue(yaml.contains("sslMode: \"require\"") && yaml.contains("sslMode: \"verify-full\""), yaml);

    p.getSpec().source.sslMode = SslMode.VERIFY_CA;
    d.getSpec().postgres.sslMode = SslMode.DISABLE;
    config = STRICT_YAML.readValue(ReplicatorConfig.render(p, d, SecretWiring.of(p, d)), PipelineConfig.class);
    assertEquals("verify-ca", config.source().sslMode());
    assertEquals("disable", config.destination().postgres().sslMode());
  }

  @Test
  void networkPolicyAdmitsTheOperatorAndMetricsNamespacesOnTheMetricsPortOnly() {
    Pipeline p = pipeline();
    OperatorSettings settings = new OperatorSettings(Set.of(), "img", Duration.ofSeconds(15), "etl-system", 0,
        Set.of("monitoring", "observability"), "etl-system");
    NetworkPolicy policy = ReplicatorNetworkPolicy.desired(p, settings);
    assertEquals("etl-orders-sync", policy.getMetadata().getName());
    assertEquals("shop", policy.getMetadata().getNamespace());
    assertEquals("Pipeline", policy.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(ChildLabels.selector(p), policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    var rule = policy.getSpec().getIngress().get(0);
    assertEquals(List.of("etl-system", "monitoring", "observability"),
        rule.getFrom().get(0).getNamespaceSelector().getMatchExpressions().get(0).getValues());
    assertEquals(List.of(9187), rule.getPorts().stream().map(port -> port.getPort().getIntVal()).toList());
  }

  @Test
  void withoutAnyClientNamespaceTheNetworkPolicyAdmitsNoOne() {
    // an ingress rule without "from" would admit every pod of the cluster
    OperatorSettings settings = new OperatorSettings(Set.of(), "img", Duration.ofSeconds(15), null, 0, Set.of(), null);
    NetworkPolicy policy = ReplicatorNetworkPolicy.desired(pipeline(), settings);
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertEquals(List.of(), policy.getSpec().getIngress());
  }

  @Test
  void metricsClientNamespacesComeFromTheEnvironment() {
    assertEquals(Set.of("monitoring"), OperatorSettings.fromEnvironment(Map.of()).metricsClientNamespaces());
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of("ETL_METRICS_NAMESPACES", " prom , grafana,",
        "ETL_OPERATOR_NAMESPACE", "etl-system"));
    assertEquals(Set.of("prom", "grafana"), settings.metricsClientNamespaces());
    assertEquals("etl-system", settings.operatorNamespace());
    assertEquals(Set.of(), OperatorSettings.fromEnvironment(Map.of("ETL_METRICS_NAMESPACES", "")).metricsClientNamespaces());
  }

  @Test
  void bigQueryDestinationRendersAKeyFileTheReplicatorAcceptsAndTheDeploymentMounts() throws Exception {
    Pipeline p = pipeline();
    Destination d = new Destination();
    d.setMetadata(new ObjectMetaBuilder().withName("warehouse").withNamespace("shop").build());
    d.setSpec(new DestinationSpec());
    d.getSpec().type = DestinationType.BIGQUERY;
    d.getSpec().bigquery = new BigQueryTarget();
    d.getSpec().bigquery.projectId = "acme-analytics";
    d.getSpec().bigquery.datasetId = "shop";
    d.getSpec().bigquery.maxStalenessMinutes = 5;
    d.getSpec().bigquery.credentialsSecretRef = new SecretKeyRef("bq-key", "key.json");
    SecretWiring wiring = SecretWiring.of(p, d);
    String yaml = ReplicatorConfig.render(p, d, wiring);
    PipelineConfig config = STRICT_YAML.readValue(yaml, PipelineConfig.class);
    assertEquals(List.of(), config.problems(), yaml);
    assertEquals("bigquery", config.destination().type());
    assertEquals("/etc/etl/secrets/bigquery/key.json", config.destination().bigquery().credentials().file());
    assertEquals(5, config.destination().bigquery().maxStalenessMinutes());
    var pod = ReplicatorDeployment.desired(p, wiring, "h", "img").getSpec().getTemplate().getSpec();
    var volume = pod.getVolumes().stream().filter(v -> v.getName().equals("bigquery-credentials")).findFirst().orElseThrow();
    assertEquals("bq-key", volume.getSecret().getSecretName());
    assertEquals("key.json", volume.getSecret().getItems().get(0).getPath());
    assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
        .anyMatch(m -> m.getMountPath().equals("/etc/etl/secrets/bigquery") && m.getReadOnly()));
  }

  @Test
  void deploymentIsOneRecreatedRestrictedReplicaWithSecretsFromSecretKeyRefs() {
    Pipeline p = pipeline();
    SecretWiring wiring = SecretWiring.of(p, destination());
    Deployment d = ReplicatorDeployment.desired(p, wiring, "abc", "etl/replicator:test");
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals("Recreate", d.getSpec().getStrategy().getType());
    assertEquals("abc", d.getSpec().getTemplate().getMetadata().getAnnotations().get(ReplicatorDeployment.CONFIG_HASH_ANNOTATION));
    var pod = d.getSpec().getTemplate().getSpec();
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertFalse(pod.getAutomountServiceAccountToken());
    var c = pod.getContainers().get(0);
    assertEquals("etl/replicator:test", c.getImage());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    // the replicator's StatusServerTest probes with this timeout while 100 clients stall on the port
    assertEquals(5, c.getLivenessProbe().getTimeoutSeconds());
    assertEquals(5, c.getReadinessProbe().getTimeoutSeconds());
    var password = c.getEnv().stream().filter(e -> e.getName().equals("ETL_SOURCE_PASSWORD")).findFirst().orElseThrow();
    assertNull(password.getValue());
    assertEquals("src-secret", password.getValueFrom().getSecretKeyRef().getName());
    assertEquals("password", password.getValueFrom().getSecretKeyRef().getKey());
    // GitOps tools track their objects by label: the CR's labels must not reach its children
    assertFalse(d.getMetadata().getLabels().containsKey("argocd.argoproj.io/instance"));
    assertFalse(d.getSpec().getTemplate().getMetadata().getLabels().containsKey("team"));
    assertEquals("Pipeline", d.getMetadata().getOwnerReferences().get(0).getKind());
  }

  @Test
  void resourcesLeftOutGetDefaultsSoThePodIsNeverBestEffortAndTheSpoolVolumeIsBounded() {
    Pipeline p = pipeline();
    var rendered = ReplicatorDeployment.desired(p, SecretWiring.of(p, destination()), "h", "img").getSpec().getTemplate()
        .getSpec();
    var resources = rendered.getContainers().get(0).getResources();
    assertEquals("512Mi", resources.getRequests().get("memory").toString());
    assertEquals("1Gi", resources.getLimits().get("memory").toString());
    assertEquals("3Gi", resources.getLimits().get("ephemeral-storage").toString());
    assertEquals("2Gi", rendered.getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow()
        .getEmptyDir().getSizeLimit().toString());

    p.getSpec().replicator = new io.etl.api.v1alpha1.ReplicatorPodSpec();
    p.getSpec().replicator.resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("4Gi")).build();
    var mine = ReplicatorDeployment.desired(p, SecretWiring.of(p, destination()), "h", "img").getSpec().getTemplate()
        .getSpec().getContainers().get(0).getResources();
    assertEquals("4Gi", mine.getLimits().get("memory").toString(), "what the Pipeline sets is kept");
    assertFalse(mine.getRequests().containsKey("memory"), "a limit alone: Kubernetes requests the same");
    assertEquals("250m", mine.getRequests().get("cpu").toString());
  }

  @Test
  void pausedPipelineHasNoReplicaAndAnEditChangesTheConfigHash() {
    Pipeline p = pipeline();
    String before = ReplicatorConfig.hash(ReplicatorConfig.render(p, destination(), SecretWiring.of(p, destination())));
    p.getSpec().batch = new BatchSpec();
    p.getSpec().batch.maxEvents = 500;
    String after = ReplicatorConfig.hash(ReplicatorConfig.render(p, destination(), SecretWiring.of(p, destination())));
    assertNotEquals(before, after);
    p.getSpec().paused = true;
    assertEquals(0, ReplicatorDeployment.desired(p, SecretWiring.of(p, destination()), after, "img").getSpec().getReplicas());
  }
}
