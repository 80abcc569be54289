package io.etl.e2e.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/** The runtime's id of a pod's container, from the pod's status ({@code containerd://<id>}). */
final class ContainerIds {
  private ContainerIds() {}

  static String of(Pod pod, String container) {
    ContainerStatus status = pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("pod " + pod.getMetadata().getName() + " has no container " + container));
    String id = status.getContainerID();
    if (id == null || !id.startsWith("containerd://")) {
      throw new IllegalStateException("container " + container + " of pod " + pod.getMetadata().getName()
          + " has no containerd id (not started?): " + id);
    }
    return id.substring("containerd://".length());
  }
}
