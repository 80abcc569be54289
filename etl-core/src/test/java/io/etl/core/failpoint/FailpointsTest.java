package io.etl.core.failpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FailpointsTest {

  @Test
  void parsesLabelsWithAndWithoutHit() {
    Map<Failpoint, Long> armed = Failpoints.parse("apply.after_write@3, sync.hand_over");
    assertEquals(Map.of(Failpoint.APPLY_AFTER_WRITE, 3L, Failpoint.SYNC_HAND_OVER, 1L), armed);
  }

  @Test
  void nothingArmedByDefault() {
    assertTrue(Failpoints.parse("").isEmpty());
  }

  @Test
  void rejectsUnknownPointsAndHitZero() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Failpoints.parse("apply.nowhere"));
    assertEquals("unknown failpoint 'apply.nowhere'", unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Failpoints.parse("copy.after_batch@0"));
  }
}
