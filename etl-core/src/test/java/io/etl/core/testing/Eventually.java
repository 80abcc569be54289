package io.etl.core.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a state the system converges to: the one polling helper of every module's tests. The
 * deadline only bounds a hang; nothing is asserted about how long convergence took. Polls often
 * at first (an in-process engine converges in milliseconds) and every 250 ms after a while (an API
 * server or a child process). A probe that throws a RuntimeException counts as "not yet" (its
 * last one becomes the failure's cause); one that throws an AssertionError (say, "the process
 * exited") ends the wait at once.
 */
public final class Eventually {
  public static final Duration DEFAULT = Duration.ofSeconds(120);
  private static final long MAX_PAUSE_MS = 250;

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
    long pauseMs = 10;
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
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
      pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
    }
    AssertionError error = new AssertionError("never happened: " + what + "\n" + diagnostics.get());
    if (last != null) {
      error.initCause(last);
    }
    throw error;
  }
}
