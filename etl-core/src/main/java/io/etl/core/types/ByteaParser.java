package io.etl.core.types;

import java.io.ByteArrayOutputStream;

/** Parses bytea text output: hex ({@code \x0aff}, the default) or the old escape format. */
final class ByteaParser {
  private ByteaParser() {}

  static byte[] parse(String text) {
    if (text.startsWith("\\x")) {
      return hex(text);
    }
    return escaped(text);
  }

  private static byte[] hex(String text) {
    int length = text.length() - 2;
    if (length % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits in bytea");
    }
    byte[] bytes = new byte[length / 2];
    for (int i = 0; i < bytes.length; i++) {
      int hi = Character.digit(text.charAt(2 + 2 * i), 16);
      int lo = Character.digit(text.charAt(3 + 2 * i), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("invalid hex digit in bytea");
      }
      bytes[i] = (byte) ((hi << 4) | lo);
    }
    return bytes;
  }

  private static byte[] escaped(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.write(c);
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
        out.write('\\');
        i++;
      } else if (i + 3 < text.length()) {
        out.write(Integer.parseInt(text, i + 1, i + 4, 8));
        i += 3;
      } else {
        throw new IllegalArgumentException("invalid escape in bytea");
      }
    }
    return out.toByteArray();
  }
}
