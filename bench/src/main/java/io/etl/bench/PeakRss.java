package io.etl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's peak resident set size so far, as the kernel counts it (VmHWM). */
final class PeakRss {
  private PeakRss() {}

  /** KiB, or -1 where /proc is not available. */
  static long kib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // reported as unknown below
    }
    return -1;
  }
}
