package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every Secret a replicator pod needs and how it reaches the pod: passwords as environment
 * variables from {@code secretKeyRef}, certificates and keys as files of a Secret volume. The
 * rendered config names only these variables and paths, never a value.
 */
public final class SecretWiring {
  public static final String SOURCE_PASSWORD_ENV = "ETL_SOURCE_PASSWORD";
  public static final String DESTINATION_PASSWORD_ENV = "ETL_DESTINATION_PASSWORD";
  static final String SECRETS_ROOT = "/etc/etl/secrets";

  /** Which end of the pipeline a Secret serves. */
  public enum Side { SOURCE, DESTINATION }

  /** A password passed as an environment variable. */
  public record EnvSecret(Side side, String env, SecretKeyRef ref, String usedFor) {}

  /** A Secret key mounted as {@code mountPath/fileName}. */
  public record FileSecret(Side side, String volume, SecretKeyRef ref, String mountPath, String fileName, String usedFor) {
    public String path() {
      return mountPath + "/" + fileName;
    }
  }

  private final List<EnvSecret> env = new ArrayList<>();
  private final List<FileSecret> files = new ArrayList<>();

  public static SecretWiring of(Pipeline pipeline, Destination destination) {
    SecretWiring wiring = new SecretWiring();
    wiring.addEndpoint(Side.SOURCE, pipeline.getSpec().source, SOURCE_PASSWORD_ENV, "spec.source");
    if (destination != null && destination.getSpec() != null) {
      var spec = destination.getSpec();
      String where = "Destination " + destination.getMetadata().getName();
      if (spec.type == DestinationType.POSTGRES && spec.postgres != null) {
        wiring.addEndpoint(Side.DESTINATION, spec.postgres, DESTINATION_PASSWORD_ENV, where + " spec.postgres");
      } else if (spec.type == DestinationType.BIGQUERY && spec.bigquery != null && spec.bigquery.credentialsSecretRef != null) {
        wiring.files.add(new FileSecret(Side.DESTINATION, "bigquery-credentials", spec.bigquery.credentialsSecretRef,
            SECRETS_ROOT + "/bigquery", "key.json", where + " spec.bigquery.credentialsSecretRef"));
      }
    }
    return wiring;
  }

  private void addEndpoint(Side side, PostgresEndpoint endpoint, String passwordEnv, String where) {
    if (endpoint == null) {
      return;
    }
    if (endpoint.passwordSecretRef != null) {
      env.add(new EnvSecret(side, passwordEnv, endpoint.passwordSecretRef, where + ".passwordSecretRef"));
    }
    if (endpoint.caSecretRef != null) {
      String volume = side.name().toLowerCase(Locale.ROOT) + "-ca";
      files.add(new FileSecret(side, volume, endpoint.caSecretRef, SECRETS_ROOT + "/" + volume, "ca.crt",
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
