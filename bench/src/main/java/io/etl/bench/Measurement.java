package io.etl.bench;

import java.util.Locale;

/**
 * What one measured case reports: how many rows or events it moved and in how long; for a case
 * run in a JVM of its own also how much of that time passed before the first of them reached the
 * destination, the CPU time the JVM used meanwhile and its peak RSS (each -1 where not known).
 */
record Measurement(long units, long nanos, long startupNanos, long cpuNanos, long peakRssKib) {
  private static final String PREFIX = "bench-measurement ";

  double perSecond() {
    return units / (nanos / 1e9);
  }

  /** The line a child JVM prints for its parent. */
  String line() {
    return String.format(Locale.ROOT, "%s%d %d %d %d %d", PREFIX, units, nanos, startupNanos, cpuNanos, peakRssKib);
  }

  static boolean isLine(String line) {
    return line.startsWith(PREFIX);
  }

  static Measurement parse(String line) {
    String[] parts = line.substring(PREFIX.length()).trim().split(" ");
    return new Measurement(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
        Long.parseLong(parts[3]), Long.parseLong(parts[4]));
  }
}
