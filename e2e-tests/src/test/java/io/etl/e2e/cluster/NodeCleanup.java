package io.etl.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes everything a local node made, whether it stopped cleanly or its JVM was killed half way:
 * the processes (containers through their cgroups and containerd's pid files, the daemons and
 * containerd's shims through their command lines, which name the node's directory), kube-proxy's and the guard's
 * firewall rules, every mount under the node's directory, the bridge and the pods' veths, the
 * cgroups, the sysctls the node changed, the files the daemons left in fixed places, and the
 * directory. The same code runs before a node starts (a previous run's leftovers) and after it
 * stops, so a run killed at any point never breaks the next.
 */
final class NodeCleanup {
  private static final Logger log = LoggerFactory.getLogger(NodeCleanup.class);
  /** Changed by the CNI bridge plugin (ip_forward) or kube-proxy; put back as they were. */
  static final List<String> SYSCTLS = List.of("net/ipv4/ip_forward", "net/ipv4/conf/all/route_localnet",
      "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables");
  /** Fixed places the daemons write to whatever they are told; removed only if the node created them. */
  static final List<Path> FIXED_PLACES = List.of(Path.of("/var/lib/kubelet"), Path.of("/var/log/containers"),
      Path.of("/var/log/pods"), Path.of("/var/lib/cni"), Path.of("/run/containerd"));
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  private final NodeFiles files;
  private final NodeBinaries binaries;

  NodeCleanup(NodeFiles files, NodeBinaries binaries) {
    this.files = files;
    this.binaries = binaries;
  }

  /** Before a node starts: what it will change, so the clean-up after it can put it back. */
  void recordMachineState() {
    try {
      Files.createDirectories(files.state());
      List<String> sysctls = new ArrayList<>();
      for (String name : SYSCTLS) {
        Path p = Path.of("/proc/sys").resolve(name);
        if (Files.exists(p)) {
          sysctls.add(name + "=" + Files.readString(p).strip());
        }
      }
      Files.write(files.state().resolve("sysctls"), sysctls);
      Files.write(files.state().resolve("created"),
          FIXED_PLACES.stream().filter(p -> !Files.exists(p)).map(Path::toString).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything, in an order that lets each step succeed: processes, firewall, mounts, network, cgroups, files. */
  void run() {
    if (!Files.exists(files.root()) && !HostCommand.run("ip", "link", "show", NodeNetwork.BRIDGE).succeeded()) {
      return;
    }
    long started = System.nanoTime();
    killProcesses();
    if (Files.isExecutable(binaries.proxy())) {
      // kube-proxy's own clean-up removes its chains and rules (iptables and nftables)
      HostCommand.run(binaries.proxy().toString(), "--cleanup");
    }
    removeKubeletChains();
    unmountAll();
    NodeNetwork.delete();
    removeCgroups();
    restoreSysctls();
    removeFixedPlaceLeftovers();
    deleteTree(files.root());
    log.info("local node: cleaned up in {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  private void killProcesses() {
    // containers first (so the kubelet has nothing to restart even if it still runs), then daemons
    for (int round = 0; round < 5; round++) {
      Set<Long> pids = new HashSet<>(cgroupProcesses());
      pids.addAll(containerdTaskProcesses());
      pids.addAll(daemonProcesses());
      pids.remove(ProcessHandle.current().pid());
      if (pids.isEmpty()) {
        return;
      }
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && pids.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
        sleep(100);
      }
    }
  }

  private List<Long> cgroupProcesses() {
    List<Long> pids = new ArrayList<>();
    for (Path hierarchy : cgroupHierarchies()) {
      Path ours = hierarchy.resolve(NodeFiles.CGROUP_ROOT);
      if (!Files.isDirectory(ours)) {
        continue;
      }
      try (Stream<Path> procs = Files.walk(ours).filter(p -> p.getFileName().toString().equals("cgroup.procs"))) {
        for (Path p : procs.toList()) {
          readPids(p, pids);
        }
      } catch (IOException | UncheckedIOException e) {
        log.debug("reading {}: {}", ours, e.toString());
      }
    }
    return pids;
  }

  private List<Long> containerdTaskProcesses() {
    List<Long> pids = new ArrayList<>();
    Path tasks = files.containerdState().resolve("io.containerd.runtime.v2.task");
    if (!Files.isDirectory(tasks)) {
      return pids;
    }
    try (Stream<Path> found = Files.walk(tasks, 3)) {
      for (Path p : found.filter(p -> p.getFileName().toString().matches("(init|shim)\\.pid")).toList()) {
        readPids(p, pids);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /**
   * The node's daemons and containerd's shims: every process whose command line names the node's
   * directory (each daemon's configuration is there, each shim is started with the socket there).
   * A shim whose containerd died outlives its task, and its bundle (with shim.pid) may be gone.
   */
  private List<Long> daemonProcesses() {
    String root = files.root().toString() + "/";
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses().map(ProcessHandle::pid)
        .filter(pid -> pid != self && commandLine(pid).contains(root))
        .toList();
  }

  /**
   * The kubelet's own chains, which kube-proxy's clean-up leaves: its canary, the hint of which
   * iptables it used, and KUBE-FIREWALL (jumped to from INPUT and OUTPUT). Only these names: a
   * machine's other KUBE- chains are not the node's to remove.
   */
  private static void removeKubeletChains() {
    List<String> ours = List.of("KUBE-FIREWALL", "KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT", "KUBE-PROXY-CANARY");
    for (String iptables : List.of("iptables", "ip6tables")) {
      for (String table : List.of("filter", "nat", "mangle")) {
        HostCommand rules = HostCommand.run(iptables, "-t", table, "-S");
        if (!rules.succeeded()) {
          continue;
        }
        for (String line : rules.output().lines().toList()) {
          String[] words = line.split(" ");
          if (words.length == 4 && words[0].equals("-A") && words[2].equals("-j") && ours.contains(words[3])
              && !ours.contains(words[1])) {
            HostCommand.run(iptables, "-t", table, "-D", words[1], "-j", words[3]);
          }
        }
        for (String chain : ours) {
          if (rules.output().lines().anyMatch(l -> l.equals("-N " + chain))) {
            HostCommand.run(iptables, "-t", table, "-F", chain);
            HostCommand.run(iptables, "-t", table, "-X", chain);
          }
        }
      }
    }
  }

  /** Every mount at or under the node's directory, deepest first; a busy one is detached (lazy). */
  private void unmountAll() {
    for (int round = 0; round < 3; round++) {
      List<String> mounts = mountsUnder(files.root());
      if (mounts.isEmpty()) {
        return;
      }
      for (String mount : mounts) {
        if (!HostCommand.run("umount", mount).succeeded()) {
          HostCommand.run("umount", "-l", mount);
        }
      }
    }
    List<String> left = mountsUnder(files.root());
    if (!left.isEmpty()) {
      throw new IllegalStateException("could not unmount " + left);
    }
  }

  static List<String> mountsUnder(Path dir) {
    String prefix = dir.toString();
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
          .map(line -> line.split(" ")[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\"))
          .filter(point -> point.equals(prefix) || point.startsWith(prefix + "/"))
          .distinct()
          .sorted(Comparator.comparingInt(String::length).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void removeCgroups() {
    for (Path hierarchy : cgroupHierarchies()) {
      Path ours = hierarchy.resolve(NodeFiles.CGROUP_ROOT);
      if (!Files.isDirectory(ours)) {
        continue;
      }
      try (Stream<Path> dirs = Files.walk(ours)) {
        // a cgroup directory goes with rmdir once it has no processes and no children; its files go with it
        for (Path dir : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
          HostCommand.run("rmdir", dir.toString());
        }
      } catch (IOException | UncheckedIOException e) {
        log.warn("could not remove cgroup {}: {}", ours, e.toString());
      }
    }
  }

  /** Every cgroup v1 hierarchy (and the v2 one) mounted on this machine. */
  static List<Path> cgroupHierarchies() {
    try (Stream<Path> dirs = Files.list(CGROUPS)) {
      return dirs.filter(d -> Files.exists(d.resolve("cgroup.procs"))).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private void restoreSysctls() {
    Path saved = files.state().resolve("sysctls");
    if (!Files.exists(saved)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(saved)) {
        int eq = line.indexOf('=');
        Path p = Path.of("/proc/sys").resolve(line.substring(0, eq));
        if (Files.exists(p) && !Files.readString(p).strip().equals(line.substring(eq + 1))) {
          Files.writeString(p, line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      log.warn("could not restore sysctls from {}: {}", saved, e.toString());
    }
  }

  /**
   * What the daemons write outside the node's directory: the kubelet's links to container logs,
   * the CNI plugins' result cache, containerd's shim sockets; and the fixed places themselves
   * where the node created them.
   */
  private void removeFixedPlaceLeftovers() {
    try {
      deleteMatching(Path.of("/var/log/containers"), p -> Files.isSymbolicLink(p)
          && readLink(p).startsWith(files.podLogs().toString()));
      deleteMatching(Path.of("/var/lib/cni/results"), p -> p.getFileName().toString().startsWith(NodeFiles.CNI_NETWORK + "-"));
      Path tasks = files.containerdState().resolve("io.containerd.runtime.v2.task");
      if (Files.isDirectory(tasks)) {
        try (Stream<Path> found = Files.walk(tasks, 3)) {
          // each task's bundle names its shim's socket, unix:///run/containerd/s/<hash>, in file "address"
          for (Path address : found.filter(p -> p.getFileName().toString().equals("address")).toList()) {
            String socket = Files.readString(address).strip().replaceFirst("^unix://", "");
            if (socket.startsWith("/run/containerd/s/")) {
              Files.deleteIfExists(Path.of(socket));
            }
          }
        }
      }
      Path created = files.state().resolve("created");
      if (Files.exists(created)) {
        for (String place : Files.readAllLines(created)) {
          Path p = Path.of(place);
          if (Files.exists(p) && mountsUnder(p).isEmpty()) {
            deleteTree(p);
          }
        }
      }
    } catch (IOException e) {
      log.warn("could not remove leftovers: {}", e.toString());
    }
  }

  private static void deleteMatching(Path dir, java.util.function.Predicate<Path> which) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(which).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String readLink(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException e) {
      return "";
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    List<String> mounts = mountsUnder(dir);
    if (!mounts.isEmpty()) {
      throw new IllegalStateException("not deleting " + dir + ": still mounted there: " + mounts);
    }
    // Files.walk does not follow symbolic links, so only the links themselves are deleted
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }

  private static void readPids(Path file, List<Long> into) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.strip().matches("\\d+")) {
          into.add(Long.parseLong(line.strip()));
        }
      }
    } catch (IOException e) {
      // gone meanwhile
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** For diagnostics: the node's processes still alive, by pid file. */
  Map<String, Boolean> daemonsAlive() {
    Map<String, Boolean> alive = new TreeMap<>();
    if (Files.isDirectory(files.pids())) {
      try (Stream<Path> found = Files.list(files.pids())) {
        for (Path p : found.toList()) {
          List<Long> pids = new ArrayList<>();
          readPids(p, pids);
          alive.put(p.getFileName().toString(), pids.stream().anyMatch(pid -> commandLine(pid).contains(files.root().toString())));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return alive;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
