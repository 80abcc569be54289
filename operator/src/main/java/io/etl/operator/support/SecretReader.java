package io.etl.operator.support;

import io.etl.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads one key of a Secret with a plain GET: the operator is granted {@code get} on Secrets
 * only in the namespaces that bind it, never list or watch. Values never leave this class in
 * a message.
 */
public final class SecretReader {
  private final KubernetesClient client;

  public SecretReader(KubernetesClient client) {
    this.client = client;
  }

  /** Thrown when a referenced Secret or key cannot be used; the message names it and the fix. */
  public static final class SecretProblem extends Exception {
    private final String reason;

    public SecretProblem(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** SecretNotFound, SecretKeyNotFound or SecretNotReadable. */
    public String reason() {
      return reason;
    }
  }

  /** Whether the key can be used, with the value read and dropped: for validation, which must hold no secret. */
  public void check(String namespace, SecretKeyRef ref, String usedFor) throws SecretProblem {
    read(namespace, ref, usedFor);
  }

  public String read(String namespace, SecretKeyRef ref, String usedFor) throws SecretProblem {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(ref.name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new SecretProblem("SecretNotReadable", "the operator may not read Secret " + ref.name + " (" + usedFor
            + ") in namespace " + namespace + ": bind ClusterRole etl-operator-secret-reader to its ServiceAccount"
            + " with a RoleBinding in " + namespace);
      }
      throw e;
    }
    if (secret == null) {
      throw new SecretProblem("SecretNotFound", "Secret " + ref.name + " (" + usedFor + ") does not exist in namespace "
          + namespace + ": create it or correct the reference");
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.key)) {
      return new String(Base64.getDecoder().decode(secret.getData().get(ref.key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key)) {
      return secret.getStringData().get(ref.key);
    }
    throw new SecretProblem("SecretKeyNotFound", "Secret " + ref.name + " (" + usedFor + ") has no key '" + ref.key
        + "': add the key or correct the reference");
  }
}
