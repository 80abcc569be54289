package io.etl.destinations.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.ChangeEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableSchema;
import io.etl.core.schema.TableId;
import io.etl.core.testing.PostgresServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The set-based apply path ({@link CollapsedChanges}, {@link SetStatements}) against the
 * one-by-one result: every batch here is also applied to a second database one change per batch,
 * where nothing can collapse, and both databases must then hold the same rows (and, where a test
 * says so, exactly the rows it expects).
 */
class SetBasedApplyIT {
  private static PostgresServer server;
  private static final String ONE_BY_ONE = "one_by_one";
  private PostgresDestination batched;
  private PostgresDestination oneByOne;
  private long nextLsn = 1000;

  private static final TableSchema BRANCHES = new TableSchema(17001, new TableId("public", "branches"), List.of(
      new ColumnSchema("bid", 23, -1, "integer", false, true),
      new ColumnSchema("bbalance", 23, -1, "integer", true, false),
      new ColumnSchema("filler", 1042, 92, "character(88)", true, false)), 'd');

  private static final TableSchema HISTORY = new TableSchema(17002, new TableId("public", "history"), List.of(
      new ColumnSchema("bid", 23, -1, "integer", true, false),
      new ColumnSchema("delta", 23, -1, "integer", true, false),
      new ColumnSchema("mtime", 1114, -1, "timestamp without time zone", true, false)), 'd');

  private static final TableSchema TYPED = new TableSchema(17003, new TableId("Odd Schema", "Typed \"Values\""), List.of(
      new ColumnSchema("id", 23, -1, "integer", false, true),
      new ColumnSchema("amount", 1700, -1, "numeric(12,3)", true, false),
      new ColumnSchema("note", 25, -1, "text", true, false),
      new ColumnSchema("at", 1184, -1, "timestamp with time zone", true, false),
      new ColumnSchema("tags", 1009, -1, "text[]", true, false),
      new ColumnSchema("code", 1043, 9, "character varying(5)", true, false)), 'd');

  /** Two key columns, the second one first in the table, as a composite primary key may be. */
  private static final TableSchema PAIRS = new TableSchema(17004, new TableId("public", "pairs"), List.of(
      new ColumnSchema("b", 25, -1, "text", false, true),
      new ColumnSchema("a", 20, -1, "bigint", false, true),
      new ColumnSchema("v", 25, -1, "text", true, false)), 'd');

  private static final List<TableSchema> TABLES = List.of(BRANCHES, HISTORY, TYPED, PAIRS);

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
    server.execute("CREATE DATABASE " + ONE_BY_ONE);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void open() {
    batched = destination("postgres");
    oneByOne = destination(ONE_BY_ONE);
  }

  private static PostgresDestination destination(String database) {
    server.executeIn(database, "DROP SCHEMA IF EXISTS \"Odd Schema\" CASCADE", "DROP SCHEMA IF EXISTS etl CASCADE",
        "DROP TABLE IF EXISTS public.branches, public.history, public.pairs");
    PostgresDestination d = new PostgresDestination(server.connectionConfig(database, "P"), PostgresServer.PASSWORD, "p");
    d.verify();
    TABLES.forEach(d::prepareTable);
    return d;
  }

  @AfterEach
  void close() {
    batched.close();
    oneByOne.close();
  }

  /** The pgbench pattern: every transaction updates one of a few hot rows and appends to a table without a key. */
  @Test
  void manyUpdatesToFewKeysInOneBatchLeaveTheLastValues() {
    List<Row> initial = new ArrayList<>();
    for (int b = 1; b <= 5; b++) {
      initial.add(Row.of(String.valueOf(b), "0", "f" + b));
    }
    copy(BRANCHES, initial);
    int[] balance = new int[6];
    Random random = new Random(17);
    List<Event> batch = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      Tx tx = new Tx();
      int bid = 1 + random.nextInt(5);
      int delta = random.nextInt(10_000) - 5_000;
      balance[bid] += delta;
      tx.update(BRANCHES, null, String.valueOf(bid), String.valueOf(balance[bid]), "f" + bid);
      tx.insert(HISTORY, String.valueOf(bid), String.valueOf(delta), "2024-01-01 00:00:" + String.format("%02d", t % 60));
      batch.addAll(tx.commit());
    }
    assertEquals(WriteReport.NONE, applyBothWays(batch));
    List<List<String>> expected = new ArrayList<>();
    for (int b = 1; b <= 5; b++) {
      expected.add(List.of(String.valueOf(b), String.valueOf(balance[b])));
    }
    assertEquals(expected, server.query("postgres", "SELECT bid::text, bbalance::text FROM public.branches ORDER BY bid"));
    assertEquals("300", server.queryOne("postgres", "SELECT count(*) FROM public.history"));
    assertSameContent();
  }

  @Test
  void insertThenUpdateThenDeleteOfOneKeyInOneBatchLeavesNoRow() {
    Tx tx = new Tx();
    tx.insert(BRANCHES, "1", "10", "a");
    tx.update(BRANCHES, null, "1", "11", "b");
    tx.delete(BRANCHES, "1");
    tx.insert(BRANCHES, "2", "20", "a");
    tx.update(BRANCHES, null, "2", "21", "b");
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("2", "21", "b")), branches());
    assertSameContent();
  }

  @Test
  void deleteThenReinsertOfOneKeyKeepsTheNewRow() {
    copy(BRANCHES, List.of(Row.of("1", "10", "old"), Row.of("2", "20", "old")));
    Tx tx = new Tx();
    tx.delete(BRANCHES, "1");
    tx.insert(BRANCHES, "1", "100", "new");
    tx.update(BRANCHES, null, "1", "101", "newer");
    tx.delete(BRANCHES, "2");
    tx.insert(BRANCHES, "2", "200", "new");
    tx.delete(BRANCHES, "2");
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("1", "101", "newer")), branches());
    assertSameContent();
  }

  /** A key-changing UPDATE ends the run: the insert that reuses the old key comes after it. */
  @Test
  void aKeyChangingUpdateFollowedByAnInsertReusingTheOldKey() {
    copy(BRANCHES, List.of(Row.of("1", "10", "one")));
    Tx tx = new Tx();
    tx.update(BRANCHES, null, "1", "11", "one");
    tx.update(BRANCHES, Row.of("1", null, null), "5", "11", "moved");
    tx.insert(BRANCHES, "1", "12", "reused");
    tx.update(BRANCHES, null, "5", "13", "moved");
    tx.update(BRANCHES, Row.of("5", null, null), "6", "14", "moved again");
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("1", "12", "reused"), List.of("6", "14", "moved again")), branches());
    assertSameContent();
  }

  @Test
  void anUnchangedToastUpdateInTheMiddleOfARunKeepsItsValueAndTheOrder() {
    String large = "x".repeat(50_000);
    copy(TYPED, List.of(Row.of("1", "1.000", large, null, null, null)));
    Tx tx = new Tx();
    tx.update(TYPED, null, "1", "2.000", large, null, null, "a");
    tx.update(TYPED, null, "1", "3.000", Row.UNCHANGED_TOAST, null, null, "b");
    tx.update(TYPED, null, "1", "4.000", Row.UNCHANGED_TOAST, null, "{t}", "c");
    tx.insert(TYPED, "2", "5.000", "two", null, null, null);
    tx.update(TYPED, null, "2", "6.000", Row.UNCHANGED_TOAST, null, null, "d");
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("1", "4.000", "50000", "{t}", "c"), List.of("2", "6.000", "3", "", "d")),
        server.query("postgres", "SELECT id::text, amount::text, length(note)::text, coalesce(tags::text, ''), code"
            + " FROM \"Odd Schema\".\"Typed \"\"Values\"\"\" ORDER BY id"));
    assertSameContent();
  }

  /** Inserts into a table without a key go as one statement; its UPDATEs and DELETEs still take one row each, in order. */
  @Test
  void insertsIntoATableWithoutAKeyAreAllKeptAroundItsUpdatesAndDeletes() {
    Tx tx = new Tx();
    tx.insert(HISTORY, "1", "5", null);
    tx.insert(HISTORY, "1", "5", null);
    tx.insert(HISTORY, "2", "7", "2024-02-29 12:00:00");
    tx.update(HISTORY, Row.of("1", "5", null), "1", "6", null);
    tx.insert(HISTORY, "1", "5", null);
    tx.delete(HISTORY, Row.of("2", "7", "2024-02-29 12:00:00"));
    tx.insert(HISTORY, "3", null, null);
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("1", "5", "2"), List.of("1", "6", "1"), List.of("3", "", "1")),
        server.query("postgres", "SELECT bid::text, coalesce(delta::text, ''), count(*)::text FROM public.history"
            + " GROUP BY 1, 2 ORDER BY 1, 2"));
    assertSameContent();
  }

  /** pgoutput may send a table's Relation message again mid-stream: the run so far goes first, the order holds. */
  @Test
  void aNewRelationMessageForATableInTheMiddleOfARunKeepsTheOrder() {
    TableSchema again = new TableSchema(BRANCHES.oid(), BRANCHES.id(), BRANCHES.columns(), BRANCHES.replicaIdentity());
    Tx tx = new Tx();
    tx.insert(BRANCHES, "1", "10", "first");
    tx.events.add(new UpdateEvent(tx.next(), again, null, false, Row.of("1", "11", "second")));
    tx.delete(BRANCHES, "1");
    tx.events.add(new InsertEvent(tx.next(), again, Row.of("1", "12", "third")));
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(List.of("1", "12", "third")), branches());
    assertSameContent();
  }

  /**
   * Unmatched changes are counted per table; within one batch's run, per distinct key (two
   * UPDATEs of one missing key count once), as {@link CollapsedChanges} documents.
   */
  @Test
  void updatesAndDeletesThatMatchNoRowAreCountedPerDistinctKey() {
    copy(BRANCHES, List.of(Row.of("1", "10", "one")));
    copy(PAIRS, List.of(Row.of("x", "1", "v")));
    Tx tx = new Tx();
    tx.update(BRANCHES, null, "2", "20", "missing");
    tx.update(BRANCHES, null, "2", "21", "missing");
    tx.delete(BRANCHES, "3");
    tx.delete(BRANCHES, "3");
    tx.insert(BRANCHES, "4", "40", "new");
    tx.delete(BRANCHES, "4");
    tx.update(BRANCHES, null, "1", "11", "one");
    tx.delete(BRANCHES, "1");
    tx.update(BRANCHES, null, "1", "12", "gone");
    tx.events.add(new DeleteEvent(tx.next(), PAIRS, Row.of("x", "2", null), true));
    tx.events.add(new UpdateEvent(tx.next(), PAIRS, null, false, Row.of("x", "1", "w")));
    List<Event> events = tx.commit();
    // one by one: 2 + 2 + 0 + 0 + 1 branches, 1 pairs; collapsed: key 2 once, key 3 twice (the second delete
    // certainly finds nothing), key 1's UPDATE after its DELETE once
    assertEquals(Map.of(BRANCHES.oid(), 4L, PAIRS.oid(), 1L), batched.writeEvents("apply", events).unmatchedChanges());
    assertEquals(Map.of(BRANCHES.oid(), 5L, PAIRS.oid(), 1L), applyOneByOne(events).unmatchedChanges());
    assertEquals(List.of(), branches());
    assertEquals(List.of(List.of("x", "1", "w")), server.query("postgres", "SELECT b, a::text, v FROM public.pairs"));
    assertSameContent();
  }

  @Test
  void valuesRoundTripExactlyThroughTheArrays() {
    String awkward = "tab\there\nnew line \\ backslash \\\\ two \u00e9\u4e2d \"quote\" 'single' {brace} , comma NULL";
    Tx tx = new Tx();
    tx.insert(TYPED, "1", "12345678.125", awkward, "2024-03-31 01:30:00.123456+00", "{\"a,b\",NULL,\"x\\\"y\",\"\"}", "ab");
    tx.insert(TYPED, "2", null, null, null, null, null);
    tx.insert(TYPED, "3", "-0.001", "", "infinity", "{}", "NULL");
    tx.insert(TYPED, "4", "1", "NULL", "-infinity", "{NULL}", "");
    tx.update(TYPED, null, "2", "NaN", "\\N", "1999-12-31 23:59:59.999999-08", "{{a,b},{c,d}}", "\"'\\");
    tx.insert(TYPED, "5", null, null, null, null, null);
    tx.insert(PAIRS, "it's \"a\" key\\", "-9223372036854775808", "v");
    assertEquals(WriteReport.NONE, applyBothWays(tx.commit()));
    assertEquals(List.of(
            List.of("1", "12345678.125", awkward, "2024-03-31 01:30:00.123456", "{\"a,b\",NULL,\"x\\\"y\",\"\"}", "ab"),
            List.of("2", "NaN", "\\N", "2000-01-01 07:59:59.999999", "{{a,b},{c,d}}", "\"'\\"),
            List.of("3", "-0.001", "", "infinity", "{}", "NULL"),
            List.of("4", "1.000", "NULL", "-infinity", "{NULL}", "")),
        server.query("postgres", "SELECT id::text, amount::text, note, (at AT TIME ZONE 'UTC')::text, tags::text, code"
            + " FROM \"Odd Schema\".\"Typed \"\"Values\"\"\" WHERE id < 5 ORDER BY id"));
    assertEquals("5", server.queryOne("postgres",
        "SELECT num_nulls(amount, note, at, tags, code) FROM \"Odd Schema\".\"Typed \"\"Values\"\"\" WHERE id = 5"));
    assertEquals("-9223372036854775808", server.queryOne("postgres", "SELECT a::text FROM public.pairs WHERE b = 'it''s \"a\" key\\'"));
    assertSameContent();
  }

  /**
   * The casts leave out the type modifier so that the column applies it: a value too long for
   * {@code varchar(5)} fails as a plain INSERT would (an explicit cast would cut it), the error
   * names the table, and nothing of the batch stays.
   */
  @Test
  void aValueTheColumnRejectsFailsTheBatchAndNamesTheTable() {
    Tx tx = new Tx();
    tx.insert(BRANCHES, "1", "10", "kept?");
    tx.insert(TYPED, "1", "1", "n", null, null, "toolong");
    EtlException e = assertThrows(EtlException.class, () -> batched.writeEvents("apply", tx.commit()));
    assertFalse(e.isRetryable());
    assertEquals(OptionalInt.of(TYPED.oid()), e.tableOid());
    assertEquals(List.of(), branches());
    assertEquals(Optional.empty(), batched.durablePosition("apply"));
  }

  // ---

  private WriteReport applyBothWays(List<Event> events) {
    WriteReport report = batched.writeEvents("apply", events);
    WriteReport single = applyOneByOne(events);
    assertEquals(single.unmatchedChanges().keySet(), report.unmatchedChanges().keySet());
    return report;
  }

  /** Each change as a batch of its own: nothing to collapse, so this is what one-by-one application gives. */
  private WriteReport applyOneByOne(List<Event> events) {
    WriteReport.Builder report = new WriteReport.Builder();
    for (Event e : events) {
      if (e instanceof ChangeEvent || e instanceof CommitEvent) {
        oneByOne.writeEvents("apply", List.of(e)).unmatchedChanges().forEach(report::unmatched);
      }
    }
    return report.build();
  }

  private void copy(TableSchema table, List<Row> rows) {
    batched.writeTableRows(table, rows);
    oneByOne.writeTableRows(table, rows);
  }

  private static List<List<String>> branches() {
    return server.query("postgres", "SELECT bid::text, bbalance::text, trim(filler) FROM public.branches ORDER BY bid");
  }

  private static void assertSameContent() {
    for (TableSchema t : TABLES) {
      String sql = "SELECT r::text FROM " + t.id().quoted() + " r ORDER BY 1";
      assertEquals(server.query(ONE_BY_ONE, sql), server.query("postgres", sql), t.id() + " differs from one-by-one application");
    }
  }

  /** One source transaction's events with increasing positions. */
  private final class Tx {
    final Lsn commitLsn;
    final List<Event> events = new ArrayList<>();
    long ordinal;

    Tx() {
      nextLsn += 100;
      this.commitLsn = new Lsn(nextLsn);
      events.add(new BeginEvent(commitLsn, Instant.now(), nextLsn));
    }

    TxPosition next() {
      return new TxPosition(commitLsn, ++ordinal);
    }

    void insert(TableSchema table, String... values) {
      events.add(new InsertEvent(next(), table, Row.of(values)));
    }

    /** With {@code oldRow}: a key change (key columns only) or, without a key, the whole old row. */
    void update(TableSchema table, Row oldRow, String... values) {
      events.add(new UpdateEvent(next(), table, oldRow, oldRow != null && table != HISTORY, Row.of(values)));
    }

    void delete(TableSchema table, String key) {
      events.add(new DeleteEvent(next(), table, Row.of(key, null, null), true));
    }

    void delete(TableSchema table, Row oldRow) {
      events.add(new DeleteEvent(next(), table, oldRow, false));
    }

    List<Event> commit() {
      events.add(new CommitEvent(commitLsn, new Lsn(commitLsn.value() + 1), Instant.now()));
      return events;
    }
  }
}
