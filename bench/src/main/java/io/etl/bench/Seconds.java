package io.etl.bench;

/** Elapsed wall time. */
final class Seconds {
  private Seconds() {}

  static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
