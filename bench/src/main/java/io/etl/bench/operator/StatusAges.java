package io.etl.bench.operator;

import io.etl.api.v1alpha1.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How current the Pipelines' statuses are at one moment: how many have any status, and the
 * distribution of the age of their {@code status.lastObservedTime} (written at every refresh).
 */
record StatusAges(int pipelines, int withStatus, long p50Seconds, long p90Seconds, long maxSeconds) {

  static StatusAges of(List<Pipeline> pipelines, Instant now) {
    List<Long> ages = pipelines.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().lastObservedTime != null)
        .map(p -> Duration.between(Instant.parse(p.getStatus().lastObservedTime), now).toSeconds())
        .sorted()
        .toList();
    if (ages.isEmpty()) {
      return new StatusAges(pipelines.size(), 0, -1, -1, -1);
    }
    return new StatusAges(pipelines.size(), ages.size(), ages.get(ages.size() / 2), ages.get(ages.size() * 9 / 10),
        ages.get(ages.size() - 1));
  }

  String describe() {
    return withStatus + "/" + pipelines + " have status; lastObservedTime age p50 " + p50Seconds + " s, p90 " + p90Seconds
        + " s, max " + maxSeconds + " s";
  }
}
