package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;

/**
 * Why the replicator pod does not stream, as the kubelet reports it (image pull failure, crash
 * loop with the last exit code), so the status says more than "not connected".
 */
final class ReplicatorPods {
  private static final Set<String> FAILING = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
      "CreateContainerConfigError", "CreateContainerError", "InvalidImageName", "RunContainerError");

  private ReplicatorPods() {}

  /** A one-line description of the first failing replicator pod, or null when none is failing. */
  static String problem(KubernetesClient client, Pipeline pipeline) {
    List<Pod> pods = client.pods().inNamespace(pipeline.getMetadata().getNamespace())
        .withLabels(ChildLabels.selector(pipeline)).list().getItems();
    for (Pod pod : pods) {
      if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
        var waiting = container.getState() == null ? null : container.getState().getWaiting();
        if (waiting == null || !FAILING.contains(waiting.getReason())) {
          continue;
        }
        StringBuilder out = new StringBuilder("pod " + pod.getMetadata().getName() + ": " + waiting.getReason());
        if (waiting.getMessage() != null) {
          out.append(" (").append(waiting.getMessage()).append(')');
        }
        var last = container.getLastState() == null ? null : container.getLastState().getTerminated();
        if (last != null) {
          out.append("; last exit code ").append(last.getExitCode())
              .append(", restarts ").append(container.getRestartCount())
              .append("; its log (kubectl logs --previous) says why");
        }
        return out.toString();
      }
    }
    return null;
  }
}
