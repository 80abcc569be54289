package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.operator.support.SecretReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a Secret key could be used, remembered for a short while: many Pipelines share a
 * Destination and so its password Secret, and without this each of them would GET it at every
 * refresh. Holds verdicts only (usable, or the problem), never a value. A Secret created,
 * fixed or removed is seen within {@code ttl}.
 */
final class SecretVerdicts {
  private record Verdict(SecretReader.SecretProblem problem, Instant until) {}

  private final SecretReader reader;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

  SecretVerdicts(SecretReader reader, Duration ttl, Clock clock) {
    this.reader = reader;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** @throws SecretReader.SecretProblem the key cannot be used (as found at most {@code ttl} ago) */
  void check(String namespace, SecretKeyRef ref, String usedFor) throws SecretReader.SecretProblem {
    Instant now = clock.instant();
    String key = namespace + "/" + ref.name + "/" + ref.key + "/" + usedFor;
    Verdict known = verdicts.get(key);
    if (known == null || !known.until().isAfter(now)) {
      SecretReader.SecretProblem problem = null;
      try {
        reader.check(namespace, ref, usedFor);
      } catch (SecretReader.SecretProblem e) {
        problem = e;
      }
      known = new Verdict(problem, now.plus(ttl));
      verdicts.put(key, known);
      if (verdicts.size() > 10_000) {
        verdicts.values().removeIf(v -> !v.until().isAfter(now)); // forget those of deleted Pipelines
      }
    }
    if (known.problem() != null) {
      throw known.problem();
    }
  }
}
