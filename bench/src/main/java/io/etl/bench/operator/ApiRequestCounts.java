package io.etl.bench.operator;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's {@code apiserver_request_total} counters summed by verb (and by verb and
 * resource), parsed from its Prometheus text at one moment; two of them give the requests made
 * in between.
 */
record ApiRequestCounts(Map<String, Double> byVerb, Map<String, Double> byVerbAndResource) {
  private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  static ApiRequestCounts parse(String prometheusText) {
    Map<String, Double> verbs = new TreeMap<>();
    Map<String, Double> resources = new TreeMap<>();
    for (String line : prometheusText.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      double value = Double.parseDouble(sample.group(2));
      String verb = labels.getOrDefault("verb", "?");
      verbs.merge(verb, value, Double::sum);
      String resource = labels.getOrDefault("resource", "") + (labels.getOrDefault("subresource", "").isEmpty() ? ""
          : "/" + labels.get("subresource"));
      resources.merge(verb + " " + resource, value, Double::sum);
    }
    return new ApiRequestCounts(verbs, resources);
  }

  ApiRequestCounts minus(ApiRequestCounts earlier) {
    return new ApiRequestCounts(diff(byVerb, earlier.byVerb), diff(byVerbAndResource, earlier.byVerbAndResource));
  }

  private static Map<String, Double> diff(Map<String, Double> now, Map<String, Double> before) {
    Map<String, Double> out = new TreeMap<>();
    now.forEach((k, v) -> {
      double d = v - before.getOrDefault(k, 0.0);
      if (d > 0) {
        out.put(k, d);
      }
    });
    return out;
  }
}
