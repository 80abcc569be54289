package io.etl.core.testing;

import java.util.HashMap;
import java.util.Map;

/** Prometheus text exposition, as a scrape of {@code /metrics} returns it, parsed for assertions. */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * {@code name{labels} -> value} for every sample, with the label set as the exporter wrote it;
   * series with labels are also summed under their bare name.
   */
  public static Map<String, Double> parse(String body) {
    Map<String, Double> series = new HashMap<>();
    for (String line : body.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      series.put(key, value);
      int brace = key.indexOf('{');
      if (brace > 0) {
        series.merge(key.substring(0, brace), value, Double::sum);
      }
    }
    return series;
  }
}
