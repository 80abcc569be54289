package io.etl.operator.pipeline;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.HashMap;
import java.util.Map;

/**
 * The replicator container's resources: what {@code spec.replicator.resources} sets, and a default
 * for each of memory and ephemeral storage it leaves out, so the pod is never BestEffort (the
 * first evicted under pressure) and its spool volume has room that the kubelet accounts for.
 */
final class ReplicatorResources {
  /** The spool's volume: {@code replication.maxSpoolBytes} defaults to half of it (1 GiB), the rest is headroom. */
  static final Quantity SPOOL_VOLUME = new Quantity("2Gi");
  private static final Map<String, Quantity> DEFAULT_REQUESTS = Map.of(
      "cpu", new Quantity("250m"), "memory", new Quantity("512Mi"), "ephemeral-storage", new Quantity("1Gi"));
  // memory: the JVM takes 75 % of it for the heap (JAVA_TOOL_OPTIONS), which the default batch and
  // queue sizes fit several times over; ephemeral storage: the spool volume plus logs
  private static final Map<String, Quantity> DEFAULT_LIMITS = Map.of(
      "memory", new Quantity("1Gi"), "ephemeral-storage", new Quantity("3Gi"));

  private ReplicatorResources() {}

  static ResourceRequirements of(ResourceRequirements given) {
    Map<String, Quantity> requests = new HashMap<>(given == null || given.getRequests() == null ? Map.of() : given.getRequests());
    Map<String, Quantity> limits = new HashMap<>(given == null || given.getLimits() == null ? Map.of() : given.getLimits());
    DEFAULT_REQUESTS.forEach((resource, quantity) -> {
      // a limit alone makes Kubernetes request the same; only a resource set nowhere gets a default
      if (!requests.containsKey(resource) && !limits.containsKey(resource)) {
        requests.put(resource, quantity);
      }
    });
    DEFAULT_LIMITS.forEach(limits::putIfAbsent);
    ResourceRequirements resources = new ResourceRequirements();
    resources.setRequests(requests);
    resources.setLimits(limits);
    if (given != null) {
      resources.setClaims(given.getClaims());
    }
    return resources;
  }
}
