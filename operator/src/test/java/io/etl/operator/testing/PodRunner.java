package io.etl.operator.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the kubelet, which the test control plane does not have: runs the replicator
 * container of a rendered Deployment as a local process, from its pod spec alone. Environment
 * variables come from {@code value} or from the referenced Secret key; ConfigMap and Secret
 * volumes are written under a scratch root and every environment value that points into a
 * mount is re-rooted there. The entrypoint is the replicator image's ({@code java -cp … 
 * io.etl.replicator.Main}) over this build's classpath.
 */
public final class PodRunner implements AutoCloseable {
  public static final String IMAGE_MAIN_CLASS = "io.etl.replicator.Main";
  private final Process process;
  private final Path log;

  private PodRunner(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static PodRunner start(KubernetesClient client, Deployment deployment, Path scratch) throws IOException {
    String namespace = deployment.getMetadata().getNamespace();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    Path root = Files.createDirectories(scratch.resolve("pod-" + System.nanoTime()));
    Map<String, Path> mounts = new HashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow(
          () -> new AssertionError("volume mount " + mount.getName() + " names no volume of the pod"));
      Path dir = Files.createDirectories(root.resolve(mount.getMountPath().substring(1)));
      mounts.put(mount.getMountPath(), dir);
      writeVolume(client, namespace, volume, dir);
    }
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), reroot(resolve(client, namespace, var), mounts));
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(IMAGE_MAIN_CLASS);
    if (container.getArgs() != null) {
      command.addAll(container.getArgs());
    }
    Path log = root.resolve("replicator.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("ETL_") || k.equals("JAVA_TOOL_OPTIONS"));
    builder.environment().putAll(env);
    return new PodRunner(builder.start(), log);
  }

  private static void writeVolume(KubernetesClient client, String namespace, Volume volume, Path dir) throws IOException {
    if (volume.getConfigMap() != null) {
      ConfigMap map = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
      if (map == null) {
        throw new AssertionError("ConfigMap " + volume.getConfigMap().getName() + " of the pod does not exist");
      }
      for (var entry : map.getData().entrySet()) {
        Files.writeString(dir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
      }
    } else if (volume.getSecret() != null) {
      Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
      for (var item : volume.getSecret().getItems()) {
        Files.write(dir.resolve(item.getPath()), Base64.getDecoder().decode(secret.getData().get(item.getKey())));
      }
    }
  }

  private static String resolve(KubernetesClient client, String namespace, EnvVar var) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    var ref = var.getValueFrom().getSecretKeyRef();
    if (ref == null) {
      throw new AssertionError("env " + var.getName() + " uses a source the replicator pod should not need");
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
      throw new AssertionError("env " + var.getName() + " names Secret key " + ref.getName() + "/" + ref.getKey()
          + ", which does not exist: the kubelet would not start this pod");
    }
    return new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
  }

  private static String reroot(String value, Map<String, Path> mounts) {
    if (value == null) {
      return "";
    }
    for (var mount : mounts.entrySet()) {
      if (value.startsWith(mount.getKey() + "/")) {
        return mount.getValue().resolve(value.substring(mount.getKey().length() + 1)).toString();
      }
    }
    return value;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the process as the kubelet stops a pod: SIGTERM, then SIGKILL after the grace period. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
