package io.etl.api.testing;

import io.fabric8.kubeapitest.Utils;
import io.fabric8.kubeapitest.binary.OSInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * etcd, kube-apiserver and kubectl as scripts/provision-control-plane.sh leaves them in kube-api-test's
 * cache, {@code ~/.kubeapitest/k8s/<version>-<os>-<arch>/}. The same variables as the script choose the
 * cache and the version, so both always agree.
 */
public final class ControlPlaneBinaries {
  static final String DEFAULT_VERSION = "1.34.4";
  private static final List<String> NAMES = List.of("etcd", "kube-apiserver", "kubectl");

  private final String version;
  private final Path directory;

  private ControlPlaneBinaries(Path cacheRoot, String version) {
    this.version = version;
    this.directory = cacheRoot.resolve("k8s").resolve(version + Utils.platformSuffix(new OSInfo()));
  }

  public static ControlPlaneBinaries fromEnvironment() {
    String cacheRoot = System.getenv("KUBEAPITEST_DIR");
    String version = System.getenv("K8S_VERSION");
    return new ControlPlaneBinaries(
        cacheRoot != null ? Path.of(cacheRoot) : Path.of(System.getProperty("user.home"), ".kubeapitest"),
        version != null ? version : DEFAULT_VERSION);
  }

  String version() {
    return version;
  }

  /** The kubectl binary of the cache, e.g. to run against a cluster other than the test API server. */
  public Path kubectl() {
    return directory.resolve("kubectl");
  }

  /** Fails, saying how to fix it, unless all three binaries are there; nothing is ever downloaded. */
  void requirePresent() {
    List<String> missing = NAMES.stream().filter(name -> !Files.isExecutable(directory.resolve(name))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("The Kubernetes control plane binaries " + missing + " are missing from "
          + directory + ". Run scripts/provision-control-plane.sh once on this machine (CI runs it before the"
          + " tests): it builds etcd, kube-apiserver and kubectl v" + version + " into that directory.");
    }
  }

  /**
   * Makes {@code testDir} a kube-api-test directory holding these binaries. kube-api-test writes its
   * certificates into that directory, so each server gets its own and parallel builds never share keys.
   */
  void linkInto(Path testDir) throws IOException {
    Path link = testDir.resolve("k8s").resolve(directory.getFileName());
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, directory);
  }
}
