package io.etl.core.types;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL array literal into its elements' text forms: {@code {1,NULL,"a \"b\""}},
 * {@code [0:2]={7,8,9}}, {@code {}}, {@code {{1,2},{3,4}}} (nested lists). An unquoted
 * {@code NULL} is SQL NULL (Java null); a quoted {@code "NULL"} is the text NULL.
 */
final class ArrayParser {
  private final String text;
  private final char delimiter;
  private int pos;

  private ArrayParser(String text, char delimiter) {
    this.text = text;
    this.delimiter = delimiter;
  }

  /** Elements are {@code String}, null, or {@code List} for inner dimensions. */
  static List<Object> parse(String text, char delimiter) {
    ArrayParser p = new ArrayParser(text, delimiter);
    p.skipSpaces();
    if (p.pos < text.length() && text.charAt(p.pos) == '[') {
      // Explicit bounds such as [0:2] or [1:2][1:3]: the elements follow after '='.
      int equals = text.indexOf('=', p.pos);
      if (equals < 0) {
        throw new IllegalArgumentException("array bounds without '=' in: " + text);
      }
      p.pos = equals + 1;
      p.skipSpaces();
    }
    List<Object> elements = p.list();
    p.skipSpaces();
    if (p.pos != text.length()) {
      throw new IllegalArgumentException("text after the array in: " + text);
    }
    return elements;
  }

  private List<Object> list() {
    expect('{');
    List<Object> elements = new ArrayList<>();
    skipSpaces();
    if (peek() == '}') {
      pos++;
      return elements;
    }
    while (true) {
      skipSpaces();
      char c = peek();
      if (c == '{') {
        elements.add(list());
      } else if (c == '"') {
        elements.add(quoted());
      } else {
        elements.add(unquoted());
      }
      skipSpaces();
      char next = peek();
      pos++;
      if (next == '}') {
        return elements;
      }
      if (next != delimiter) {
        throw new IllegalArgumentException("expected '" + delimiter + "' or '}' in: " + text);
      }
    }
  }

  private String quoted() {
    pos++;
    StringBuilder value = new StringBuilder();
    while (true) {
      char c = peek();
      pos++;
      if (c == '"') {
        return value.toString();
      }
      if (c == '\\') {
        c = peek();
        pos++;
      }
      value.append(c);
    }
  }

  private String unquoted() {
    int start = pos;
    StringBuilder escaped = null;
    int lastSignificant = pos;
    while (true) {
      char c = peek();
      if (c == delimiter || c == '}') {
        break;
      }
      if (c == '\\') {
        if (escaped == null) {
          escaped = new StringBuilder().append(text, start, pos);
        }
        pos++;
        escaped.append(peek());
        pos++;
        lastSignificant = escaped.length();
        continue;
      }
      if (escaped != null) {
        escaped.append(c);
        if (c != ' ') {
          lastSignificant = escaped.length();
        }
      } else if (c != ' ') {
        lastSignificant = pos + 1;
      }
      pos++;
    }
    if (escaped != null) {
      escaped.setLength(lastSignificant);
      return escaped.toString();
    }
    String value = text.substring(start, lastSignificant);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty array element in: " + text);
    }
    return value.equalsIgnoreCase("NULL") ? null : value;
  }

  private char peek() {
    if (pos >= text.length()) {
      throw new IllegalArgumentException("unterminated array literal: " + text);
    }
    return text.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in: " + text);
    }
    pos++;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}
