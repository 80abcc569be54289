package io.etl.bench;

import java.lang.management.ManagementFactory;

/** Wall time, and this JVM's CPU time, from its start to a {@link Measurement}. */
final class Stopwatch {
  private final long startNanos = System.nanoTime();
  private final long startCpuNanos = cpuNanos();

  static Stopwatch start() {
    return new Stopwatch();
  }

  /**
   * For a case in a JVM of its own: with the time to {@code firstWriteNanos} ({@link
   * System#nanoTime()}, -1: unknown), the CPU time this JVM used and its peak RSS so far.
   */
  Measurement ownJvm(long units, long firstWriteNanos) {
    return ownJvm(units, System.nanoTime(), firstWriteNanos);
  }

  /** As {@link #ownJvm(long, long)}, for work that ended at {@code endNanos}, before now. */
  Measurement ownJvm(long units, long endNanos, long firstWriteNanos) {
    long cpu = cpuNanos();
    return new Measurement(units, endNanos - startNanos, firstWriteNanos < 0 ? -1 : firstWriteNanos - startNanos,
        cpu < 0 ? -1 : cpu - startCpuNanos, PeakRss.kib());
  }

  /** For a yardstick run in the parent, whose CPU and memory are not its own. */
  Measurement wallOnly(long units) {
    return new Measurement(units, System.nanoTime() - startNanos, -1, -1, -1);
  }

  private static long cpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }
}
