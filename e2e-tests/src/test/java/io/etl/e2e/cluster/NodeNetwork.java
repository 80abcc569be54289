package io.etl.e2e.cluster;

import java.util.List;

/**
 * The node's network, all of it on this machine: a Linux bridge with its own /24 for the pods
 * (the CNI bridge plugin plugs each pod into it; no masquerade), a /24 of service addresses routed
 * onto the same bridge (kube-proxy turns them into pod or host addresses before they go anywhere),
 * and a firewall rule that drops whatever a pod sends to anything but the bridge, so no pod
 * reaches past this machine even though the bridge plugin turns on IP forwarding. The host is
 * {@link #GATEWAY} on the bridge: the API server, the kubelet and the tests' PostgreSQL servers
 * listen there, and pods reach them directly.
 */
final class NodeNetwork {
  static final String BRIDGE = "etl-e2e0";
  static final String GATEWAY = "10.201.0.1";
  static final String POD_SUBNET = "10.201.0.0/24";
  static final String SERVICE_SUBNET = "10.201.1.0/24";
  /** The first address of the service range: Service default/kubernetes, the API server for pods. */
  static final String KUBERNETES_SERVICE_IP = "10.201.1.1";
  private static final String GUARD_COMMENT = "etl-e2e: pods reach nothing off their bridge";

  private NodeNetwork() {}

  /** Creates the bridge with the gateway address, routes the service range onto it and adds the guard rules. */
  static void create() {
    requireNoOtherUseOfTheRanges();
    HostCommand.check("ip", "link", "add", BRIDGE, "type", "bridge");
    HostCommand.check("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
    HostCommand.check("ip", "link", "set", BRIDGE, "up");
    HostCommand.check("ip", "route", "add", SERVICE_SUBNET, "dev", BRIDGE);
    for (List<String> rule : guardRules()) {
      HostCommand.check(concat(List.of("iptables", "-I", "FORWARD", "1"), rule));
    }
  }

  /** Removes the bridge (with its addresses and routes), the pods' veth ends still on it, and the guard rules. */
  static void delete() {
    for (String line : HostCommand.run("ip", "-o", "link", "show", "master", BRIDGE).output().lines().toList()) {
      // "12: vethabc@if3: <...>": deleting one end of a veth pair deletes both
      String[] parts = line.split(":\\s+", 3);
      if (parts.length > 1 && parts[1].startsWith("veth")) {
        HostCommand.run("ip", "link", "del", parts[1].replaceFirst("@.*", ""));
      }
    }
    if (HostCommand.run("ip", "link", "show", BRIDGE).succeeded()) {
      HostCommand.check("ip", "link", "del", BRIDGE);
    }
    for (List<String> rule : guardRules()) {
      while (HostCommand.run(concat(List.of("iptables", "-D", "FORWARD"), rule)).succeeded()) {
        // a rule added twice (a run killed between adding and recording) is deleted twice
      }
    }
  }

  private static List<List<String>> guardRules() {
    return List.of(
        List.of("-i", BRIDGE, "!", "-o", BRIDGE, "-m", "comment", "--comment", GUARD_COMMENT, "-j", "DROP"),
        List.of("-o", BRIDGE, "!", "-i", BRIDGE, "-m", "comment", "--comment", GUARD_COMMENT, "-j", "DROP"));
  }

  /** Refuses to start where another interface or route uses the node's ranges: its traffic would go astray. */
  private static void requireNoOtherUseOfTheRanges() {
    String prefix = GATEWAY.substring(0, GATEWAY.indexOf(".0.1")); // 10.201
    String addresses = HostCommand.check("ip", "-o", "-4", "addr", "show");
    String routes = HostCommand.check("ip", "-4", "route", "show");
    List<String> clashes = concat(
        addresses.lines().filter(l -> l.contains(" " + prefix + ".")).toList(),
        routes.lines().filter(l -> l.startsWith(prefix + ".") || l.contains(" " + prefix + ".")).toList());
    if (!clashes.isEmpty()) {
      throw new IllegalStateException("this machine already uses " + prefix + ".0.0/16, which the e2e node needs for its"
          + " pod and service ranges (" + POD_SUBNET + ", " + SERVICE_SUBNET + "): " + clashes);
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
