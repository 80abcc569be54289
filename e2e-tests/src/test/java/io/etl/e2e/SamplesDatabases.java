package io.etl.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What deploy/samples expects of its databases, made on the test's servers as its comments say
 * (pipeline.yaml: "wal_level=logical, CREATE PUBLICATION etl_demo FOR TABLE ...; the role needs
 * REPLICATION, SELECT on the published tables and the right to create schema etl"), and an
 * overlay of deploy/samples that points it at them: the hosts and ports of the servers and the
 * real passwords in place of change-me. Nothing else of the samples changes (sslMode stays unset:
 * require, which the servers' TLS satisfies).
 */
final class SamplesDatabases {
  private SamplesDatabases() {}

  static void create(E2eEnvironment env, String sourcePassword, String destinationPassword) {
    env.source().execute("CREATE ROLE etl_replicator LOGIN REPLICATION PASSWORD '" + sourcePassword + "'");
    ShopPipeline.createTables(env.source(), "shop", 1_000, 3_000, "etl_demo");
    env.source().executeIn("shop",
        "GRANT CREATE ON DATABASE shop TO etl_replicator",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO etl_replicator");
    env.destination().execute("CREATE ROLE etl_writer LOGIN PASSWORD '" + destinationPassword + "'");
    env.destination().execute("CREATE DATABASE warehouse OWNER etl_writer");
  }

  /** A kustomization in the scratch directory over deploy/samples (by a relative path: kustomize refuses an absolute one); {@code kubectl apply -k} it. */
  static Path overlay(E2eEnvironment env, String sourcePassword, String destinationPassword) {
    try {
      Path dir = Files.createDirectories(env.scratch().resolve("samples-here"));
      Files.writeString(dir.resolve("kustomization.yaml"), """
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources:
            - %1$s
          patches:
            - target: {kind: Pipeline, name: shop-to-warehouse}
              patch: |-
                - {op: replace, path: /spec/source/host, value: "%2$s"}
                - {op: replace, path: /spec/source/port, value: %3$d}
            - target: {kind: Destination, name: warehouse}
              patch: |-
                - {op: replace, path: /spec/postgres/host, value: "%2$s"}
                - {op: replace, path: /spec/postgres/port, value: %4$d}
            - target: {kind: Secret, name: source-postgres}
              patch: |-
                - {op: replace, path: /stringData/password, value: "%5$s"}
            - target: {kind: Secret, name: warehouse-postgres}
              patch: |-
                - {op: replace, path: /stringData/password, value: "%6$s"}
          """.formatted(dir.relativize(env.repositoryRoot().resolve("deploy/samples")), env.serverHost(), env.source().port(),
          env.destination().port(), sourcePassword, destinationPassword));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
