package io.etl.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.RetryConfig;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final RetryConfig config = new RetryConfig(100L, 5_000L, 2.0);

  @Test
  void growsByTheMultiplierWithinTheJitterAndStopsAtTheCap() {
    for (int run = 0; run < 200; run++) {
      Backoff backoff = new Backoff(config);
      double expected = 100;
      for (int attempt = 0; attempt < 12; attempt++) {
        long delay = backoff.nextDelayMs();
        double base = Math.min(expected, 5_000);
        assertTrue(delay >= Math.round(base * 0.75) && delay <= Math.min(Math.round(base * 1.25), 5_000),
            "attempt " + attempt + ": " + delay + " ms around " + base);
        expected *= 2;
      }
      assertEquals(12, backoff.attempts());
    }
  }

  @Test
  void resetStartsOverAfterASuccess() {
    Backoff backoff = new Backoff(config);
    for (int i = 0; i < 8; i++) {
      backoff.nextDelayMs();
    }
    backoff.reset();
    long delay = backoff.nextDelayMs();
    assertTrue(delay >= 75 && delay <= 125, delay + " ms");
  }

  @Test
  void jitterSpreadsRestartsThatFailTogether() {
    java.util.Set<Long> firstDelays = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      firstDelays.add(new Backoff(config).nextDelayMs());
    }
    assertTrue(firstDelays.size() > 10, "distinct first delays: " + firstDelays);
  }
}
