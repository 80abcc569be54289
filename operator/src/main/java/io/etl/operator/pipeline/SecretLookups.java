package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.operator.support.SecretReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether each Secret a Pipeline references can be used (exists, has the key, may be read),
 * found with a GET (shared for a short while, {@link SecretVerdicts}) and the value dropped at
 * once: the operator may {@code get} Secrets in the namespaces that bind it, never list or watch
 * them, so they cannot come from an informer.
 */
final class SecretLookups {
  /** One referenced Secret key, in the order the pod's wiring lists them. */
  record Reference(SecretWiring.Side side, SecretKeyRef ref, String usedFor) {
    String key() {
      return SecretLookups.key(ref);
    }
  }

  private SecretLookups() {}

  static String key(SecretKeyRef ref) {
    return ref.name + "/" + ref.key;
  }

  static List<Reference> references(SecretWiring wiring) {
    List<Reference> out = new ArrayList<>();
    wiring.env().forEach(e -> out.add(new Reference(e.side(), e.ref(), e.usedFor())));
    wiring.files().forEach(f -> out.add(new Reference(f.side(), f.ref(), f.usedFor())));
    return out;
  }

  /** The problem of each referenced Secret key that cannot be used; each key is read once. */
  static Map<String, SecretReader.SecretProblem> problems(SecretVerdicts reader, Pipeline pipeline, Destination destination) {
    Map<String, SecretReader.SecretProblem> problems = new HashMap<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (Reference ref : references(SecretWiring.of(pipeline, destination))) {
      if (seen.putIfAbsent(ref.key(), true) != null) {
        continue;
      }
      try {
        reader.check(pipeline.getMetadata().getNamespace(), ref.ref(), ref.usedFor());
      } catch (SecretReader.SecretProblem e) {
        problems.put(ref.key(), e);
      }
    }
    return problems;
  }
}
