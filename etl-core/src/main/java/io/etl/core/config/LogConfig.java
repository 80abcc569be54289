package io.etl.core.config;

import java.util.List;
import java.util.Locale;

/** @param format {@code text} (default) or {@code json} */
public record LogConfig(String level, String format) {
  public static final LogConfig DEFAULT = new LogConfig(null, null);
  private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

  public LogConfig {
    level = level == null ? "info" : level.toLowerCase(Locale.ROOT);
    format = format == null ? "text" : format.toLowerCase(Locale.ROOT);
  }

  public void validate(List<String> problems) {
    if (!LEVELS.contains(level)) {
      problems.add("log.level must be one of " + LEVELS + ", got '" + level + "'");
    }
    if (!format.equals("text") && !format.equals("json")) {
      problems.add("log.format must be 'text' or 'json', got '" + format + "'");
    }
  }
}
