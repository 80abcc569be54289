package io.etl.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reading pod states as the kubelet reports them. */
final class Pods {
  private Pods() {}

  static ContainerStatus container(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
  }

  static boolean containerStarted(Pod pod) {
    ContainerStatus c = container(pod);
    return c != null && c.getState() != null && c.getState().getRunning() != null;
  }

  /** The pod's Ready condition is True: its readiness probe passed. */
  static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static int restarts(Pod pod) {
    ContainerStatus c = container(pod);
    return c == null ? 0 : c.getRestartCount();
  }

  static String summary(Pod pod) {
    ContainerStatus c = container(pod);
    return "phase " + (pod.getStatus() == null ? null : pod.getStatus().getPhase()) + ", ready " + ready(pod)
        + (c == null ? "" : ", restarts " + c.getRestartCount() + ", state " + c.getState() + ", last state " + c.getLastState());
  }

  /**
   * Every state the API server reports for the pods with {@code labels} in {@code namespace},
   * the last one kept per pod, including the last before a pod is deleted: how a pod that is
   * gone ended (its exit code).
   */
  static final class Recorder implements AutoCloseable {
    private final Map<String, Pod> last = new ConcurrentHashMap<>();
    private final Watch watch;

    Recorder(KubernetesClient client, String namespace, Map<String, String> labels) {
      watch = client.pods().inNamespace(namespace).withLabels(labels).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Pod pod) {
          if (action != Action.DELETED || !last.containsKey(pod.getMetadata().getUid())) {
            last.put(pod.getMetadata().getUid(), pod);
          } else if (container(pod) != null && container(pod).getState() != null
              && container(pod).getState().getTerminated() != null) {
            last.put(pod.getMetadata().getUid(), pod);
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
    }

    /** The last state seen of the pod {@code uid}, or null if none was. */
    Pod last(String uid) {
      return last.get(uid);
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
