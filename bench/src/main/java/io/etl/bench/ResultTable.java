package io.etl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run: a row per case with its throughput, its ratio to the read limit of
 * its phase, where it ran in a JVM of its own its start-up time, CPU time and peak RSS, and, for
 * streaming, its ratio to Debezium.
 */
final class ResultTable {
  private static final String[] HEADERS = {"phase", "what", "rows or events/s", "seconds", "start-up s", "CPU s",
      "ratio to limit", "peak RSS MiB", "vs Debezium"};
  private static final int[] WIDTHS = {6, 52, 16, 7, 10, 6, 14, 12, 11};

  private record Line(String phase, String what, Measurement measured, Measurement limit, Measurement debezium) {}

  private final List<Line> lines = new ArrayList<>();

  /** {@code measured} null: the case failed. {@code debezium} null: no ratio to Debezium. */
  void add(String phase, String what, Measurement measured, Measurement limit, Measurement debezium) {
    lines.add(new Line(phase, what, measured, limit, debezium));
    System.out.printf(Locale.ROOT, "bench: %-6s %-52s %14s/s%n", phase, what,
        measured == null ? "failed" : count(measured.perSecond()));
  }

  void print() {
    System.out.println();
    printRow(HEADERS);
    StringBuilder rule = new StringBuilder("|");
    for (int width : WIDTHS) {
      rule.append("-".repeat(width + 2)).append('|');
    }
    System.out.println(rule);
    for (Line l : lines) {
      Measurement m = l.measured();
      if (m == null) {
        printRow(new String[] {l.phase(), l.what(), "failed", "", "", "", "", "", ""});
        continue;
      }
      printRow(new String[] {l.phase(), l.what(), count(m.perSecond()), seconds(m.nanos()),
          seconds(m.startupNanos()), seconds(m.cpuNanos()), ratio(m, l.limit()),
          m.peakRssKib() < 0 ? "" : count(m.peakRssKib() / 1024.0), ratio(m, l.debezium())});
    }
  }

  private static void printRow(String[] cells) {
    StringBuilder row = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      String format = i < 2 ? " %-" + WIDTHS[i] + "s |" : " %" + WIDTHS[i] + "s |";
      row.append(String.format(Locale.ROOT, format, cells[i]));
    }
    System.out.println(row);
  }

  private static String ratio(Measurement m, Measurement base) {
    return base == null ? "" : String.format(Locale.ROOT, "%.2f", m.perSecond() / base.perSecond());
  }

  private static String seconds(long nanos) {
    return nanos < 0 ? "" : String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }

  private static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
