package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.ReplicatorPodSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicator Deployment of a Pipeline: one replica (none when paused), {@code Recreate} so
 * two replicators never share a slot, the restricted pod security profile, and the config hash
 * on the pod template so every change of the rendered config rolls the pod.
 */
public final class ReplicatorDeployment {
  public static final String CONFIG_HASH_ANNOTATION = "etl.io/config-hash";
  public static final String CONFIG_DIR = "/etc/etl";
  public static final String CONFIG_FILE = CONFIG_DIR + "/pipeline.yaml";
  public static final String CONTAINER = "replicator";
  private static final long RUN_AS = 65532;

  private ReplicatorDeployment() {}

  public static Deployment desired(Pipeline pipeline, SecretWiring secrets, String configHash, String defaultImage) {
    ReplicatorPodSpec pod = pipeline.getSpec().replicator == null ? new ReplicatorPodSpec() : pipeline.getSpec().replicator;
    String name = ChildLabels.childName(pipeline);
    return new DeploymentBuilder()
        .withNewMetadata()
          .withName(name)
          .withNamespace(pipeline.getMetadata().getNamespace())
          .withLabels(ChildLabels.of(pipeline))
          .withOwnerReferences(Owner.of(pipeline))
        .endMetadata()
        .withNewSpec()
          .withReplicas(pipeline.getSpec().isPaused() ? 0 : 1)
          .withNewStrategy().withType("Recreate").endStrategy()
          .withRevisionHistoryLimit(3)
          .withNewSelector().withMatchLabels(ChildLabels.selector(pipeline)).endSelector()
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(ChildLabels.of(pipeline))
              .addToAnnotations(CONFIG_HASH_ANNOTATION, configHash)
              .addToAnnotations("prometheus.io/scrape", "true")
              .addToAnnotations("prometheus.io/port", String.valueOf(ReplicatorConfig.HTTP_PORT))
            .endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withTerminationGracePeriodSeconds(60L)
              .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withFsGroup(RUN_AS)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .withContainers(container(pipeline, pod, secrets, defaultImage))
              .withVolumes(volumes(name, secrets))
              .withNodeSelector(pod.nodeSelector)
              .withTolerations(pod.tolerations)
              .withAffinity(pod.affinity)
              .withPriorityClassName(pod.priorityClassName)
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(Pipeline pipeline, ReplicatorPodSpec pod, SecretWiring secrets, String defaultImage) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("ETL_CONFIG", CONFIG_FILE, null));
    env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError", null));
    for (SecretWiring.EnvSecret secret : secrets.env()) {
      env.add(new EnvVarBuilder().withName(secret.env())
          .withNewValueFrom().withNewSecretKeyRef(secret.ref().key, secret.ref().name, false).endValueFrom()
          .build());
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    for (SecretWiring.FileSecret file : secrets.files()) {
      mounts.add(new VolumeMountBuilder().withName(file.volume()).withMountPath(file.mountPath()).withReadOnly(true).build());
    }
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(pod.image != null ? pod.image : defaultImage)
        .withImagePullPolicy(pod.imagePullPolicy)
        .withEnv(env)
        .addNewPort().withName("http").withContainerPort(ReplicatorConfig.HTTP_PORT).withProtocol("TCP").endPort()
        .withResources(ReplicatorResources.of(pod.resources))
        .withVolumeMounts(mounts)
        // liveness: the process answers; readiness: the pipeline streams or copies (see /readyz)
        .withLivenessProbe(probe("/healthz", 30, 6))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withReadOnlyRootFilesystem(true)
          .withRunAsNonRoot(true)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();
  }

  private static Probe probe(String path, int initialDelaySeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
        .withInitialDelaySeconds(initialDelaySeconds)
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static List<Volume> volumes(String configMapName, SecretWiring secrets) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("config")
        .withNewConfigMap().withName(configMapName).withDefaultMode(0444).endConfigMap().build());
    // /tmp holds the spool of streamed transactions (replication.spoolDirectory's default)
    volumes.add(new VolumeBuilder().withName("tmp")
        .withNewEmptyDir().withSizeLimit(ReplicatorResources.SPOOL_VOLUME).endEmptyDir().build());
    for (SecretWiring.FileSecret file : secrets.files()) {
      volumes.add(new VolumeBuilder().withName(file.volume())
          .withNewSecret().withSecretName(file.ref().name).withDefaultMode(0440)
            .addNewItem().withKey(file.ref().key).withPath(file.fileName()).endItem()
          .endSecret().build());
    }
    return volumes;
  }
}
