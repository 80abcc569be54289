package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.error.EtlException;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeRecordsTest {
  private static final TableSchema DOCS = new TableSchema(16401, new TableId("public", "docs"), List.of(
      new ColumnSchema("id", 23, -1, "integer", false, true),
      new ColumnSchema("title", 25, -1, "text", true, false),
      new ColumnSchema("body", 25, -1, "text", true, false)), 'd');
  private static final List<String> KEY = List.of("id");

  private static TxPosition at(long lsn, long ordinal) {
    return new TxPosition(new Lsn(lsn), ordinal);
  }

  /** BigQuery's order of sequence numbers: section by section, as unsigned 64-bit numbers. */
  private static final Comparator<String> BIGQUERY_ORDER = (a, b) -> {
    String[] x = a.split("/");
    String[] y = b.split("/");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Long.compareUnsigned(Long.parseUnsignedLong(x[i], 16), Long.parseUnsignedLong(y[i], 16));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  };

  @Test
  void sequenceNumbersFollowCommitOrderAcrossTransactionsAndChangeOrderWithinOne() {
    List<TxPosition> sourceOrder = List.of(
        TxPosition.NONE,
        at(0x16B3748, 0), at(0x16B3748, 1), at(0x16B3748, 0xFFFF), at(0x16B3748, 0x10000),
        // a later transaction's first change sorts after an earlier one's ten-thousandth
        at(0x16B3750, 0),
        at(0x1_0000_0000L, 2), at(0x1_0000_0000L, 10),
        at(Long.MAX_VALUE, 0), at(Long.MAX_VALUE, TxPosition.COMMIT_ORDINAL));
    List<String> sequence = sourceOrder.stream().map(ChangeSequence::of).toList();

    List<String> byBigQuery = new ArrayList<>(sequence);
    java.util.Collections.shuffle(byBigQuery, new java.util.Random(7));
    byBigQuery.sort(BIGQUERY_ORDER);
    assertEquals(sequence, byBigQuery);

    List<String> byText = new ArrayList<>(sequence);
    java.util.Collections.shuffle(byText, new java.util.Random(11));
    byText.sort(Comparator.naturalOrder());
    assertEquals(sequence, byText, "fixed width keeps plain string order the same");

    assertEquals("00000000016B3748/0000000000000001", ChangeSequence.of(at(0x16B3748, 1)));
    assertTrue(sequence.stream().allMatch(s -> s.matches("[0-9A-F]{16}/[0-9A-F]{16}")));
  }

  @Test
  void insertUpdateAndDeleteBecomeUpsertsAndDeletesAtTheirPositions() {
    Row row = Row.of("1", "a", "b");
    assertEquals(List.of(new ChangeRecord(ChangeType.UPSERT, row, "0000000000000010/0000000000000000")),
        ChangeRecords.of(new InsertEvent(at(16, 0), DOCS, row), KEY));
    assertEquals(List.of(new ChangeRecord(ChangeType.UPSERT, row, "0000000000000010/0000000000000001")),
        ChangeRecords.of(new UpdateEvent(at(16, 1), DOCS, null, false, row), KEY));
    Row key = Row.of("1", null, null);
    assertEquals(List.of(new ChangeRecord(ChangeType.DELETE, key, "0000000000000010/0000000000000002")),
        ChangeRecords.of(new DeleteEvent(at(16, 2), DOCS, key, true), KEY));
  }

  @Test
  void anUpdateThatMovesTheKeyDeletesTheOldKeyFirst() {
    Row oldKey = Row.of("1", null, null);
    Row moved = Row.of("2", "a", "b");
    List<ChangeRecord> records = ChangeRecords.of(new UpdateEvent(at(32, 5), DOCS, oldKey, true, moved), KEY);
    assertEquals(List.of(
        new ChangeRecord(ChangeType.DELETE, oldKey, ChangeSequence.of(at(32, 5))),
        new ChangeRecord(ChangeType.UPSERT, moved, ChangeSequence.of(at(32, 5)))), records);
  }

  @Test
  void anUnchangedToastValueIsTakenFromTheFullOldRow() {
    Row oldRow = Row.of("1", "old title", "a very long body");
    Row newRow = new Row(new String[] {"1", "new title", Row.UNCHANGED_TOAST});
    List<ChangeRecord> records = ChangeRecords.of(new UpdateEvent(at(48, 0), DOCS, oldRow, false, newRow), KEY);
    assertEquals(1, records.size());
    assertEquals(Row.of("1", "new title", "a very long body"), records.get(0).row());
    assertFalse(records.get(0).row().hasUnchangedToast());
  }

  @Test
  void anUnchangedToastValueWithoutTheOldRowIsRefusedInsteadOfWrittenAsNull() {
    Row newRow = new Row(new String[] {"1", "new title", Row.UNCHANGED_TOAST});
    EtlException e = assertThrows(EtlException.class,
        () -> ChangeRecords.of(new UpdateEvent(at(48, 0), DOCS, null, false, newRow), KEY));
    assertFalse(e.isRetryable());
    assertEquals(16401, e.tableOid().orElseThrow());
    assertEquals("an UPDATE of public.docs left the TOASTed column body unchanged and the source did not send its value;"
        + " BigQuery replaces whole rows, so writing it would put NULL over the stored value.", e.reason());
    assertEquals("run ALTER TABLE \"public\".\"docs\" REPLICA IDENTITY FULL on the source, then retry the table (it is"
        + " copied again).", e.solution());
  }
}
