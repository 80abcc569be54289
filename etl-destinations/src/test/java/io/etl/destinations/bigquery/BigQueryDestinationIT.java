package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etl.core.error.EtlException;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The destination against BigQuery (the real service when configured, else the emulator): copy,
 * CDC, replay, positions after a restart, schema change, read back.
 *
 * <p>The real service applies the CDC records by primary key, so the table reads back as the
 * source holds it. The emulator appends every record as a row (see {@link BigQueryEmulator}): there
 * the test reads back the records themselves, which shows every UPSERT and DELETE arrived once, with
 * its values, TOAST included, and that a replay after a restart sends none again.
 */
class BigQueryDestinationIT {
  private static final ColumnSchema ID = new ColumnSchema("id", 20, -1, "bigint", false, true);
  private static final ColumnSchema NAME = new ColumnSchema("name", 25, -1, "text", true, false);
  private static final ColumnSchema PRICE = new ColumnSchema("price", 1700, ((10 << 16) | 2) + 4, "numeric(10,2)", true, false);
  private static final ColumnSchema BODY = new ColumnSchema("body", 25, -1, "text", true, false);
  private static final TableSchema ITEMS = new TableSchema(16410, new TableId("shop", "items"), List.of(ID, NAME, PRICE, BODY), 'f');
  private static final TableSchema LOG = new TableSchema(16411, new TableId("shop", "log"),
      List.of(new ColumnSchema("line", 25, -1, "text", true, false)), 'd');

  private static final String ITEM_COLUMNS = "id, name, CAST(price AS STRING), body";

  private LiveBigQuery live;
  private BigQueryDestination destination;

  @BeforeEach
  void connect() throws Exception {
    live = LiveBigQuery.fromEnvironment("etl_destination_test");
    destination = live.destination();
  }

  @AfterEach
  void dropDataset() throws Exception {
    if (destination != null) {
      destination.close();
      live.close();
    }
  }

  private static TxPosition at(long lsn, long ordinal) {
    return new TxPosition(new Lsn(lsn), ordinal);
  }

  private static List<Event> transaction(long lsn, Event... changes) {
    List<Event> events = new ArrayList<>();
    events.add(new BeginEvent(new Lsn(lsn), Instant.EPOCH, lsn));
    events.addAll(List.of(changes));
    events.add(new CommitEvent(new Lsn(lsn), new Lsn(lsn + 8), Instant.EPOCH));
    return events;
  }

  private List<String> readBack(String table, String columns) throws Exception {
    return LiveBigQuery.normalized(live.query("SELECT " + columns + " FROM " + live.qualified(table)));
  }

  /** Repeats a call the pipeline would retry (e.g. a column BigQuery has not yet shown to the Write API). */
  private static <T> T retrying(Supplier<T> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (EtlException e) {
        if (!e.isRetryable() || attempt == 40) {
          throw e;
        }
        Thread.sleep(15_000);
      }
    }
  }

  @Test
  void copyThenStreamThenReplayReadsBackAsTheSourceHoldsIt() throws Exception {
    destination.verify();
    destination.prepareTable(ITEMS);
    destination.prepareTable(LOG);
    destination.truncateTable(ITEMS);
    destination.writeTableRows(ITEMS, List.of(Row.of("1", "apple", "1.50", "long text 1"), Row.of("2", "pear", "2.00", "b"),
        Row.of("3", "plum", null, "c")));
    destination.writeTableRows(LOG, List.of(Row.of("copied")));

    List<Event> first = transaction(0x100,
        new InsertEvent(at(0x100, 0), ITEMS, Row.of("4", "fig", "4.25", "d")),
        new UpdateEvent(at(0x100, 1), ITEMS, Row.of("1", "apple", "1.50", "long text 1"), false,
            new Row(new String[] {"1", "green apple", "1.75", Row.UNCHANGED_TOAST})),
        new DeleteEvent(at(0x100, 2), ITEMS, Row.of("2", "pear", "2.00", "b"), false),
        new InsertEvent(at(0x100, 3), LOG, Row.of("streamed")),
        // the same row twice in one transaction: the later change wins
        new UpdateEvent(at(0x100, 4), ITEMS, Row.of("4", "fig", "4.25", "d"), false, Row.of("4", "fig", "4.30", "d")));
    destination.writeEvents("apply", first);
    List<Event> second = transaction(0x200,
        new UpdateEvent(at(0x200, 0), ITEMS, Row.of("4", "fig", "4.30", "d"), false, Row.of("5", "fig", "4.30", "d")));
    destination.writeEvents("apply", second);

    // the real service merges the records by key; the emulator keeps each record as a row (a
    // DELETE's row is the old row, which a REPLICA IDENTITY FULL table sends whole)
    List<String> expectedItems = live.emulated()
        ? List.of("1|apple|1.5|long text 1", "1|green apple|1.75|long text 1", "2|pear|2|b", "2|pear|2|b", "3|plum|null|c",
            "4|fig|4.25|d", "4|fig|4.3|d", "4|fig|4.3|d", "5|fig|4.3|d")
        : List.of("1|green apple|1.75|long text 1", "3|plum|null|c", "5|fig|4.3|d");
    assertEquals(expectedItems, readBack("shop_items", ITEM_COLUMNS));
    assertEquals(List.of("copied", "streamed"), readBack("shop_log", "line"));

    try (BigQueryDestination restarted = live.destination()) {
      assertEquals(Optional.of(new TxPosition(new Lsn(0x200), TxPosition.COMMIT_ORDINAL)), restarted.durablePosition("apply"),
          "the position is read back from _etl_positions");
      restarted.writeEvents("apply", first);
      restarted.writeEvents("apply", second);
    }
    assertEquals(expectedItems, readBack("shop_items", ITEM_COLUMNS), "a replay changes nothing");
    assertEquals(List.of("copied", "streamed"), readBack("shop_log", "line"), "nor appends twice");

    ColumnSchema note = new ColumnSchema("note", 25, -1, "text", true, false);
    TableSchema withNote = new TableSchema(ITEMS.oid(), ITEMS.id(), List.of(ID, NAME, PRICE, BODY, note), 'f');
    List<Event> third = new ArrayList<>();
    third.add(new SchemaChangeEvent(ITEMS, withNote, List.of(new ColumnChange.Added(note, "none"))));
    third.addAll(transaction(0x300, new InsertEvent(at(0x300, 0), withNote, Row.of("6", "kiwi", "0.99", "e", "new"))));
    retrying(() -> {
      destination.writeEvents("apply", third);
      return null;
    });
    List<String> withNotes = new ArrayList<>(expectedItems.stream().map(r -> r + "|none").toList());
    withNotes.add("6|kiwi|0.99|e|new");
    assertEquals(withNotes, readBack("shop_items", ITEM_COLUMNS + ", note"));
    try (BigQueryDestination restarted = live.destination()) {
      assertEquals(Optional.of(new TxPosition(new Lsn(0x300), TxPosition.COMMIT_ORDINAL)), restarted.durablePosition("apply"));
    }

    EtlException keyless = assertThrows(EtlException.class, () -> destination.writeEvents("apply",
        transaction(0x400, new DeleteEvent(at(0x400, 0), LOG, Row.of("copied"), false))));
    assertFalse(keyless.isRetryable());
    assertEquals(LOG.oid(), keyless.tableOid().orElseThrow());
  }
}
