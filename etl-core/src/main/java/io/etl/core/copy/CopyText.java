package io.etl.core.copy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PostgreSQL's COPY text format: tab-separated columns, {@code \N} for NULL, backslash escapes
 * for backslash, tab, newline and carriage return. The copy path runs every row through here,
 * so both directions work on bytes and allocate only the values.
 */
public final class CopyText {
  private CopyText() {}

  /** Appends one row, newline-terminated. */
  public static void appendRow(StringBuilder out, String[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      String value = values[i];
      if (value == null) {
        out.append("\\N");
        continue;
      }
      for (int j = 0, n = value.length(); j < n; j++) {
        char ch = value.charAt(j);
        switch (ch) {
          case '\\' -> out.append("\\\\");
          case '\t' -> out.append("\\t");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          default -> out.append(ch);
        }
      }
    }
    out.append('\n');
  }

  /**
   * Decodes one line of {@code COPY … TO STDOUT} output (with or without its trailing newline)
   * into {@code width} values; null for {@code \N}.
   */
  public static String[] parseLine(byte[] line, int width) {
    String[] values = new String[width];
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
    }
    int column = 0;
    int start = 0;
    while (column < width) {
      int pos = start;
      boolean escaped = false;
      int bits = 0;
      while (pos < end) {
        byte b = line[pos];
        if (b == '\t') {
          break;
        }
        bits |= b;
        if (b == '\\') {
          escaped = true;
          pos++;
        }
        pos++;
      }
      pos = Math.min(pos, end);
      values[column++] = escaped ? unescape(line, start, pos) : text(line, start, pos - start, bits);
      start = pos + 1;
      if (pos >= end && column < width) {
        throw new IllegalArgumentException("COPY line has " + column + " columns, expected " + width);
      }
    }
    return values;
  }

  /**
   * A value without escapes. Most values are ASCII (numbers, dates, keys), which the scan has
   * already seen ({@code bits} has no high bit): decoded as ISO-8859-1 they are the same string,
   * made by a plain copy, without UTF-8's second pass over the bytes.
   */
  private static String text(byte[] line, int from, int length, int bits) {
    return (bits & 0x80) == 0
        ? new String(line, from, length, StandardCharsets.ISO_8859_1)
        : new String(line, from, length, StandardCharsets.UTF_8);
  }

  private static String unescape(byte[] line, int from, int to) {
    if (to - from == 2 && line[from] == '\\' && line[from + 1] == 'N') {
      return null;
    }
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = line[i];
      if (b != '\\' || i + 1 >= to) {
        out[n++] = b;
        continue;
      }
      byte next = line[++i];
      switch (next) {
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'v' -> out[n++] = 0x0B;
        case 'x' -> {
          int value = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(line[i + 1], 16) >= 0) {
            value = value * 16 + Character.digit(line[++i], 16);
            digits++;
          }
          out[n++] = digits == 0 ? (byte) 'x' : (byte) value;
        }
        default -> {
          if (next >= '0' && next <= '7') {
            int value = next - '0';
            for (int digits = 1; digits < 3 && i + 1 < to && line[i + 1] >= '0' && line[i + 1] <= '7'; digits++) {
              value = value * 8 + (line[++i] - '0');
            }
            out[n++] = (byte) value;
          } else {
            out[n++] = next;
          }
        }
      }
    }
    return new String(Arrays.copyOf(out, n), StandardCharsets.UTF_8);
  }
}
