package io.etl.core.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a state the system converges to. The deadline only bounds a hang; nothing is
 * asserted about how long convergence took.
 */
public final class Eventually {
  public static final Duration DEFAULT = Duration.ofSeconds(120);

  private Eventually() {}

  public static <T> T await(String what, Supplier<T> probe) {
    return await(what, DEFAULT, probe, () -> "");
  }

  public static <T> T await(String what, Supplier<T> probe, Supplier<String> diagnostics) {
    return await(what, DEFAULT, probe, diagnostics);
  }

  /** Polls until {@code probe} returns a non-null value other than {@code false}, and returns it. */
  public static <T> T await(String what, Duration limit, Supplier<T> probe, Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + limit.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
    AssertionError error = new AssertionError("never happened: " + what + "\n" + diagnostics.get());
    if (last != null) {
      error.initCause(last);
    }
    throw error;
  }
}
