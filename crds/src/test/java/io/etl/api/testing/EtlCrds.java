package io.etl.api.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The CRDs users apply, as checked in under deploy/crds, applied to a test API server. */
final class EtlCrds {
  private EtlCrds() {}

  /**
   * The repository root: the nearest directory above the working directory that holds deploy/crds.
   * Surefire runs each module in its own directory, so this works from crds and from the operator alike.
   */
  static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy").resolve("crds"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no deploy/crds in " + start + " or any directory above it");
  }

  /** Creates every CRD of deploy/crds and waits until the API server serves it; returns their names. */
  static List<String> applyAndAwaitEstablished(KubernetesClient client, Path repositoryRoot, Duration timeout) {
    List<CustomResourceDefinition> crds = load(client, repositoryRoot.resolve("deploy").resolve("crds"));
    for (CustomResourceDefinition crd : crds) {
      client.resource(crd).create();
    }
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(EtlCrds::established, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return crds.stream().map(crd -> crd.getMetadata().getName()).toList();
  }

  /** The files deploy/crds/kustomization.yaml lists: what {@code kubectl apply -k deploy/crds} applies. */
  private static List<CustomResourceDefinition> load(KubernetesClient client, Path dir) {
    Path kustomization = dir.resolve("kustomization.yaml");
    try {
      Map<?, ?> parsed = client.getKubernetesSerialization().unmarshal(Files.readString(kustomization), Map.class);
      List<?> resources = parsed == null ? null : (List<?>) parsed.get("resources");
      if (resources == null || resources.isEmpty()) {
        throw new IllegalStateException(kustomization + " lists no resources");
      }
      return resources.stream()
          .map(file -> client.apiextensions().v1().customResourceDefinitions()
              .load(dir.resolve(file.toString()).toFile()).item())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + kustomization, e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
