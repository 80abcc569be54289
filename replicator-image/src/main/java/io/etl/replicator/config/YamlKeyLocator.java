package io.etl.replicator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a key in YAML text by its path and describes the value written there. Databind's own
 * locations point past buffered record properties, so messages take the line from here instead.
 */
final class YamlKeyLocator {
  private static final YAMLFactory YAML = new YAMLFactory();

  /**
   * Where a key stands, what its value looks like to a user ("a mapping", "'abc'", …) and its kind
   * alone ("a text value", "a number", …), which is what messages about a secret key may show.
   */
  record Located(int line, String value, String kind) {}

  private YamlKeyLocator() {}

  /** The first occurrence of {@code path}; the empty path is the document itself. */
  static Optional<Located> find(String text, List<String> path) {
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (path.isEmpty()) {
        return token == null ? Optional.empty() : Optional.of(located(parser, line(parser), token));
      }
      for (; token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME && path.equals(pathOf(parser.getParsingContext()))) {
          int line = line(parser);
          return Optional.of(located(parser, line, parser.nextToken()));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      // the text may be broken further on; the caller falls back to the parser's own location
      return Optional.empty();
    }
  }

  private static int line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }

  private static List<String> pathOf(JsonStreamContext context) {
    List<String> names = new ArrayList<>();
    for (JsonStreamContext c = context; c != null; c = c.getParent()) {
      if (c.getCurrentName() != null) {
        names.add(0, c.getCurrentName());
      }
    }
    return names;
  }

  private static Located located(JsonParser parser, int line, JsonToken token) throws IOException {
    String kind = kind(token);
    boolean scalar = token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL;
    return new Located(line, scalar ? "'" + parser.getText() + "'" : kind, kind);
  }

  private static String kind(JsonToken token) {
    if (token == null || token == JsonToken.VALUE_NULL) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "true or false";
      default -> "a text value";
    };
  }
}
