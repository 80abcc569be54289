package io.etl.operator.pipeline;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Set;

/**
 * Why the replicator pod does not stream, as the kubelet reports it (image pull failure, crash
 * loop with the last exit code), so the status says more than "not connected".
 */
final class ReplicatorPods {
  private static final Set<String> FAILING = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
      "CreateContainerConfigError", "CreateContainerError", "InvalidImageName", "RunContainerError");

  private ReplicatorPods() {}

  /** A one-line description of the first failing replicator pod, or null when none is failing.
   *
   * @param pods the Pipeline's replicator pods, from the informer cache */
  static String problem(Collection<Pod> pods) {
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
