package io.etl.e2e;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for checking them against a real scrape: what is
 * left of the expression once quoted strings, label matchers, durations, grouping lists and
 * function calls are taken out. Enough for the expressions of deploy/monitoring, not a PromQL parser.
 */
final class MonitoredMetricNames {
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private MonitoredMetricNames() {}

  static Set<String> of(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")   // strings
        .replaceAll("\\{[^}]*}", " ")                                // label matchers
        .replaceAll("\\[[^]]*]", " ")                                // ranges
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      boolean call = s.substring(m.end()).stripLeading().startsWith("(");
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!call && !number && !KEYWORDS.contains(word)) {
        names.add(word);
      }
    }
    return names;
  }
}
