package io.etl.core.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CopyTextTest {

  @Test
  void writesTheServersTextFormat() {
    StringBuilder out = new StringBuilder();
    CopyText.appendRow(out, new String[] {"a\tb", null, "line\nbreak\r", "back\\slash", "", "\\N"});
    assertEquals("a\\tb\t\\N\tline\\nbreak\\r\tback\\\\slash\t\t\\\\N\n", out.toString());
  }

  @Test
  void readsEveryEscapeTheServerMayWrite() {
    byte[] line = "x\\by\\fz\\v\t\\101\\x41\\x4g\t\\N\t\t\\\\N\t\u00e9\n".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(new String[] {"x\by\fz\u000b", "AA\u0004g", null, "", "\\N", "\u00e9"},
        CopyText.parseLine(line, 6));
  }

  @Test
  void roundTripsRandomText() {
    Random random = new Random(7);
    String alphabet = "ab\t\n\r\\N \u00e9\u4e2d\"',{}";
    for (int n = 0; n < 2_000; n++) {
      String[] row = new String[1 + random.nextInt(5)];
      for (int i = 0; i < row.length; i++) {
        if (random.nextInt(6) == 0) {
          continue;
        }
        StringBuilder value = new StringBuilder();
        for (int k = random.nextInt(8); k > 0; k--) {
          value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        row[i] = value.toString();
      }
      StringBuilder out = new StringBuilder();
      CopyText.appendRow(out, row);
      assertArrayEquals(row, CopyText.parseLine(out.toString().getBytes(StandardCharsets.UTF_8), row.length));
    }
  }

  @Test
  void aShortLineIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> CopyText.parseLine("a\tb\n".getBytes(StandardCharsets.UTF_8), 3));
  }
}
