package io.etl.bench;

/** A benchmark never fails on what it finds; it says so and goes on. */
final class Checks {
  private Checks() {}

  static void warnUnless(boolean ok, String what) {
    if (!ok) {
      System.out.println("bench: WARNING, check failed: " + what);
    }
  }
}
