package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Secret a replicator pod needs and how it reaches the pod: passwords as environment
 * variables from {@code secretKeyRef}, certificates and keys as files of a Secret volume. The
 * rendered config names only these variables and paths, never a value.
 */
public final class SecretWiring {
  public static final String SOURCE_PASSWORD_ENV = "ETL_SOURCE_PASSWORD";
  public static final String DESTINATION_PASSWORD_ENV = "ETL_DESTINATION_PASSWORD";
  static final String SECRETS_ROOT = "/etc/etl/secrets";

  /** A password passed as an environment variable. */
  public record EnvSecret(String env, SecretKeyRef ref, String usedFor) {}

  /** A Secret key mounted as {@code mountPath/fileName}. */
  public record FileSecret(String volume, SecretKeyRef ref, String mountPath, String fileName, String usedFor) {
    public String path() {
      return mountPath + "/" + fileName;
    }
  }

  private final List<EnvSecret> env = new ArrayList<>();
  private final List<FileSecret> files = new ArrayList<>();

  public static SecretWiring of(Pipeline pipeline, Destination destination) {
    SecretWiring wiring = new SecretWiring();
    wiring.addEndpoint("source", pipeline.getSpec().source, SOURCE_PASSWORD_ENV, "spec.source");
    if (destination != null && destination.getSpec() != null) {
      var spec = destination.getSpec();
      String where = "Destination " + destination.getMetadata().getName();
      if (spec.type == DestinationType.POSTGRES && spec.postgres != null) {
        wiring.addEndpoint("destination", spec.postgres, DESTINATION_PASSWORD_ENV, where + " spec.postgres");
      } else if (spec.type == DestinationType.BIGQUERY && spec.bigquery != null && spec.bigquery.credentialsSecretRef != null) {
        wiring.files.add(new FileSecret("bigquery-credentials", spec.bigquery.credentialsSecretRef,
            SECRETS_ROOT + "/bigquery", "key.json", where + " spec.bigquery.credentialsSecretRef"));
      }
    }
    return wiring;
  }

  private void addEndpoint(String side, PostgresEndpoint endpoint, String passwordEnv, String where) {
    if (endpoint == null) {
      return;
    }
    if (endpoint.passwordSecretRef != null) {
      env.add(new EnvSecret(passwordEnv, endpoint.passwordSecretRef, where + ".passwordSecretRef"));
    }
    if (endpoint.caSecretRef != null) {
      files.add(new FileSecret(side + "-ca", endpoint.caSecretRef, SECRETS_ROOT + "/" + side + "-ca", "ca.crt",
          where + ".caSecretRef"));
    }
  }

  public List<EnvSecret> env() {
    return env;
  }

  public List<FileSecret> files() {
    return files;
  }

  public String filePath(String volume) {
    return files.stream().filter(f -> f.volume().equals(volume)).map(FileSecret::path).findFirst().orElse(null);
  }
}
