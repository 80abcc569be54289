package io.etl.core.failpoint;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crashes the process at a named {@link Failpoint}, for crash-safety tests. Only the system
 * property {@code etl.failpoints} turns it on, e.g. {@code -Detl.failpoints=apply.after_write@3}:
 * the third time that point is reached the JVM halts at once (exit code {@value #EXIT_CODE}),
 * like a SIGKILL: no shutdown hook, no flush, no close. Without the property every check is one
 * read of a static final field.
 */
public final class Failpoints {
  public static final int EXIT_CODE = 86;
  public static final String PROPERTY = "etl.failpoints";

  private static final Map<Failpoint, Long> ARMED = parse(System.getProperty(PROPERTY, ""));
  private static final boolean ENABLED = !ARMED.isEmpty();
  private static final Map<Failpoint, AtomicLong> HITS = new EnumMap<>(Failpoint.class);

  static {
    for (Failpoint point : Failpoint.values()) {
      HITS.put(point, new AtomicLong());
    }
  }

  private Failpoints() {}

  /** Marks that {@code point} is reached; halts the JVM if the point is armed for this hit. */
  public static void reached(Failpoint point) {
    if (!ENABLED) {
      return;
    }
    Long armedHit = ARMED.get(point);
    if (armedHit != null && HITS.get(point).incrementAndGet() == armedHit) {
      System.err.println("failpoint " + point.label() + " reached (hit " + armedHit + "): halting");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }

  /** {@code label[@hit],…}; the hit defaults to the first. */
  static Map<Failpoint, Long> parse(String spec) {
    Map<Failpoint, Long> armed = new EnumMap<>(Failpoint.class);
    for (String item : spec.split(",")) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int at = trimmed.indexOf('@');
      String label = at < 0 ? trimmed : trimmed.substring(0, at);
      long hit = at < 0 ? 1 : Long.parseLong(trimmed.substring(at + 1));
      if (hit < 1) {
        throw new IllegalArgumentException("failpoint hit must be at least 1: " + trimmed);
      }
      armed.put(Failpoint.byLabel(label), hit);
    }
    return armed;
  }
}
