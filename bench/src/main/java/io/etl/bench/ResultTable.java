package io.etl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run: a row per case with its throughput, its ratio to the limit it is
 * compared with (named in column "to"), where it ran in a JVM of its own its start-up time, CPU
 * time and peak RSS, and, for streaming, its ratio to Debezium; then the latency case.
 */
final class ResultTable {
  private static final String[] HEADERS = {"phase", "what", "rows or events/s", "seconds", "start-up s", "CPU s",
      "ratio", "to", "peak RSS MiB", "vs Debezium"};
  private static final int[] WIDTHS = {6, 52, 16, 7, 10, 6, 5, 8, 12, 11};
  private static final String[] LATENCY_HEADERS = {"latency", "what", "asked tx/s", "achieved tx/s", "probes",
      "p50 ms", "p99 ms", "max ms", "CPU s", "peak RSS MiB"};
  private static final int[] LATENCY_WIDTHS = {7, 40, 10, 13, 7, 7, 7, 7, 6, 12};

  /** A limit a case is compared with, by the short name the table shows. */
  record Limit(String name, Measurement measured) {}

  private record Line(String phase, String what, Measurement measured, String note, Limit limit, Measurement debezium) {}

  private final List<Line> lines = new ArrayList<>();
  private LatencyCase.Result latency;
  private String latencyWhat;

  /** {@code measured} null: the case failed. {@code limit}, {@code debezium} null: no such ratio. */
  void add(String phase, String what, Measurement measured, Limit limit, Measurement debezium) {
    lines.add(new Line(phase, what, measured, measured == null ? "failed" : null, limit, debezium));
    System.out.printf(Locale.ROOT, "bench: %-6s %-52s %14s/s%n", phase, what,
        measured == null ? "failed" : count(measured.perSecond()));
  }

  /** A case not measured in this run, and why. */
  void skipped(String phase, String what, String why) {
    lines.add(new Line(phase, what, null, "skipped", null, null));
    System.out.println("bench: " + phase + " " + what + " skipped: " + why);
  }

  /** {@code result} null: the case failed. */
  void latency(String what, LatencyCase.Result result) {
    latencyWhat = what;
    latency = result;
  }

  void print() {
    System.out.println();
    printRow(HEADERS, WIDTHS);
    printRule(WIDTHS);
    for (Line l : lines) {
      Measurement m = l.measured();
      if (m == null) {
        printRow(new String[] {l.phase(), l.what(), l.note(), "", "", "", "", "", "", ""}, WIDTHS);
        continue;
      }
      printRow(new String[] {l.phase(), l.what(), count(m.perSecond()), seconds(m.nanos()),
          seconds(m.startupNanos()), seconds(m.cpuNanos()), ratio(m, l.limit() == null ? null : l.limit().measured()),
          l.limit() == null ? "" : l.limit().name(), m.peakRssKib() < 0 ? "" : count(m.peakRssKib() / 1024.0),
          ratio(m, l.debezium())}, WIDTHS);
    }
    if (latencyWhat != null) {
      System.out.println();
      printRow(LATENCY_HEADERS, LATENCY_WIDTHS);
      printRule(LATENCY_WIDTHS);
      LatencyCase.Result r = latency;
      if (r == null) {
        printRow(new String[] {"latency", latencyWhat, "failed", "", "", "", "", "", "", ""}, LATENCY_WIDTHS);
      } else {
        Measurement p = r.pipeline();
        printRow(new String[] {"latency", latencyWhat, count(r.askedRate()), count(r.achievedRate()), count(r.probes()),
            millis(r.p50Millis()), millis(r.p99Millis()), millis(r.maxMillis()), seconds(p.cpuNanos()),
            p.peakRssKib() < 0 ? "" : count(p.peakRssKib() / 1024.0)}, LATENCY_WIDTHS);
      }
    }
  }

  private static void printRule(int[] widths) {
    StringBuilder rule = new StringBuilder("|");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('|');
    }
    System.out.println(rule);
  }

  private static void printRow(String[] cells, int[] widths) {
    StringBuilder row = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      String format = i < 2 ? " %-" + widths[i] + "s |" : " %" + widths[i] + "s |";
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

  private static String millis(double ms) {
    return String.format(Locale.ROOT, "%.1f", ms);
  }

  private static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
