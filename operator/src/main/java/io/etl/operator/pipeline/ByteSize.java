package io.etl.operator.pipeline;

import java.util.Locale;

/** Bytes for people: 0 B, 812 B, 12.3 KiB, 4.0 MiB, 1.2 GiB. */
final class ByteSize {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private ByteSize() {}

  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
