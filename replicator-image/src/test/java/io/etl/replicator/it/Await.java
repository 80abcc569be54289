package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition. The limit is a safety net for a broken build, not a timing assertion: a
 * correct pipeline gets there far sooner.
 */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, String what, Duration limit) throws InterruptedException {
    if (!holdsWithin(condition, limit)) {
      fail("not reached within " + limit.toSeconds() + " s: " + what);
    }
  }

  /** Polls until {@code condition} holds; false at the limit, for a caller that asserts the details. */
  static boolean holdsWithin(BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }
}
