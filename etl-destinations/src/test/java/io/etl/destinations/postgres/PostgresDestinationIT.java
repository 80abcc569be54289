package io.etl.destinations.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.testing.PostgresServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresDestinationIT {
  private static PostgresServer server;
  private PostgresDestination destination;

  private static final TableSchema KEYED = new TableSchema(16500, new TableId("Shop", "Order Items"), List.of(
      new ColumnSchema("id", 23, -1, "integer", false, true),
      new ColumnSchema("Item Name", 25, -1, "text", true, false),
      new ColumnSchema("price", 1700, -1, "numeric(10,2)", true, false),
      new ColumnSchema("tags", 1009, -1, "text[]", true, false),
      new ColumnSchema("mood", 16600, -1, "mood", true, false)), 'd');

  private static final TableSchema NO_KEY = new TableSchema(16501, new TableId("public", "audit"), List.of(
      new ColumnSchema("who", 25, -1, "text", true, false),
      new ColumnSchema("what", 25, -1, "text", true, false)), 'f');

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void open() {
    server.execute("DROP SCHEMA IF EXISTS \"Shop\" CASCADE");
    server.execute("DROP TABLE IF EXISTS public.audit");
    server.execute("DROP SCHEMA IF EXISTS etl CASCADE");
    destination = new PostgresDestination(server.connectionConfig("postgres", "P"), PostgresServer.PASSWORD, "p");
    destination.verify();
    destination.prepareTable(KEYED);
    destination.prepareTable(NO_KEY);
  }

  @AfterEach
  void close() {
    destination.close();
  }

  @Test
  void createsTablesLikeTheSourceWithTheSameKeyAndTypes() {
    assertEquals(List.of(
            List.of("id", "integer", "NO"), List.of("Item Name", "text", "YES"), List.of("price", "numeric", "YES"),
            List.of("tags", "ARRAY", "YES"), List.of("mood", "text", "YES")),
        server.query("postgres", "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
            + " WHERE table_schema = 'Shop' AND table_name = 'Order Items' ORDER BY ordinal_position"));
    assertEquals("{id}", server.queryOne("postgres", "SELECT array_agg(a.attname)::text FROM pg_index i"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        + " WHERE i.indrelid = '\"Shop\".\"Order Items\"'::regclass AND i.indisprimary"));
    // a second prepare (after a restart) keeps the table and its rows
    destination.writeTableRows(KEYED, List.of(Row.of("1", "a", "1.00", null, null)));
    destination.prepareTable(KEYED);
    assertEquals("1", count(KEYED));
  }

  /**
   * A user's table that happens to have a published table's name: the copy must neither drop it
   * (it has other columns) nor empty it (it has the same columns), whoever wrote it.
   */
  @Test
  void aTableThisPipelineDidNotCreateIsNeitherDroppedNorEmptied() {
    TableSchema orders = new TableSchema(16502, new TableId("public", "orders"), List.of(
        new ColumnSchema("id", 23, -1, "integer", false, true), new ColumnSchema("total", 25, -1, "text", true, false)), 'd');
    server.executeIn("postgres", "DROP TABLE IF EXISTS public.orders",
        "CREATE TABLE public.orders (order_no bigint PRIMARY KEY, placed_by text)",
        "INSERT INTO public.orders SELECT g, 'user ' || g FROM generate_series(1, 25) g");
    EtlException other = assertThrows(EtlException.class, () -> destination.prepareTable(orders));
    assertEquals("destination_table_not_ours", other.category());
    assertFalse(other.isRetryable());
    assertTrue(other.reason().contains("destination table public.orders (for source table public.orders) already exists"
        + " and was not created by this pipeline"), other.reason());
    assertTrue(other.solution().contains("drop or rename that table in the destination"), other.solution());
    assertThrows(EtlException.class, () -> destination.truncateTable(orders));

    server.executeIn("postgres", "DROP TABLE public.orders", "CREATE TABLE public.orders (id integer PRIMARY KEY, total text)",
        "INSERT INTO public.orders SELECT g, 'user ' || g FROM generate_series(1, 25) g");
    assertThrows(EtlException.class, () -> destination.prepareTable(orders), "the same columns are no licence either");
    assertThrows(EtlException.class, () -> destination.truncateTable(orders));
    assertEquals("25", server.queryOne("postgres", "SELECT count(*) FROM public.orders"), "the user's rows are all there");

    try (PostgresDestination another = new PostgresDestination(server.connectionConfig("postgres", "P"), PostgresServer.PASSWORD,
        "another")) {
      EtlException ofAnother = assertThrows(EtlException.class, () -> another.prepareTable(KEYED));
      assertTrue(ofAnother.reason().contains("was created by pipeline p, not another"), ofAnother.reason());
    }
    server.execute("DROP TABLE public.orders");
  }

  /** A table of this pipeline dropped and recreated by hand under the same name is the user's now. */
  @Test
  void aTableRecreatedByHandUnderTheNameOfOneOfOursIsNotOurs() {
    server.executeIn("postgres", "DROP TABLE public.audit", "CREATE TABLE public.audit (who text, what text)",
        "INSERT INTO public.audit VALUES ('me', 'mine')");
    assertThrows(EtlException.class, () -> destination.prepareTable(NO_KEY));
    assertThrows(EtlException.class, () -> destination.truncateTable(NO_KEY));
    assertEquals("1", count(NO_KEY));
  }

  /** Pipelines sharing a destination database start at the same time: both create the bookkeeping tables. */
  @Test
  void twoDestinationsVerifyingOneNewDatabaseAtOnceBothSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 8; round++) {
        String database = "together_" + round;
        server.execute("CREATE DATABASE " + database);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<?>> both = new ArrayList<>();
        for (String pipeline : List.of("a", "b")) {
          both.add(pool.submit(() -> {
            try (PostgresDestination d = new PostgresDestination(server.connectionConfig(database, "P"), PostgresServer.PASSWORD,
                pipeline)) {
              start.await();
              d.verify();
            }
            return null;
          }));
        }
        for (Future<?> f : both) {
          f.get();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void updatesAndDeletesThatMatchNoRowAreReportedPerTable() {
    destination.writeTableRows(KEYED, List.of(Row.of("1", "one", "1.00", null, null)));
    destination.writeTableRows(NO_KEY, List.of(Row.of("me", "mine")));
    Tx tx = new Tx(300);
    tx.update(KEYED, null, "1", "ONE", "1.00", null, null);
    tx.update(KEYED, null, "2", "not there", "2.00", null, null);
    tx.delete(KEYED, Row.of("3", null, null, null, null));
    tx.delete(NO_KEY, Row.of("you", "yours"));
    tx.insert(KEYED, "4", "four", "4.00", null, null);
    WriteReport report = destination.writeEvents("apply", tx.commit());
    assertEquals(Map.of(KEYED.oid(), 2L, NO_KEY.oid(), 1L), report.unmatchedChanges());
    assertEquals(WriteReport.NONE, destination.writeEvents("apply", new Tx(301).commit()));
  }

  @Test
  void copiesValuesThatNeedEscapingExactly() {
    String awkward = "tab\there\nnew line \\ backslash \u00e9\u4e2d \"quote\" 'single'";
    destination.writeTableRows(KEYED, List.of(
        Row.of("1", awkward, "12.50", "{\"a,b\",NULL,\"x\\\"y\"}", "happy"),
        Row.of("2", null, null, null, null),
        Row.of("3", "", "0", "{}", "\\N")));
    assertEquals(List.of(
            List.of("1", awkward, "12.50", "{\"a,b\",NULL,\"x\\\"y\"}", "happy"),
            nullRow("2"),
            List.of("3", "", "0.00", "{}", "\\N")),
        server.query("postgres", "SELECT id::text, \"Item Name\", price::text, tags::text, mood FROM \"Shop\".\"Order Items\" ORDER BY id"));
  }

  @Test
  void appliesInsertUpdateDeleteAndAPrimaryKeyChange() {
    Tx tx = new Tx(100);
    tx.insert(KEYED, "1", "one", "1.00", "{a}", "sad");
    tx.insert(KEYED, "2", "two", "2.00", null, null);
    tx.insert(KEYED, "3", "three", "3.00", null, null);
    tx.update(KEYED, null, "2", "TWO", "2.50", "{b,c}", "ok");
    tx.update(KEYED, Row.of("3", null, null, null, null), "30", "thirty", "30.00", null, null);
    tx.delete(KEYED, Row.of("1", null, null, null, null));
    destination.writeEvents("apply", tx.commit());

    assertEquals(List.of(List.of("2", "TWO", "2.50", "{b,c}", "ok"), List.of("30", "thirty", "30.00", "", "")),
        server.query("postgres", "SELECT id::text, \"Item Name\", price::text, coalesce(tags::text, ''),"
            + " coalesce(mood, '') FROM \"Shop\".\"Order Items\" ORDER BY id"));
    assertEquals(Optional.of(new TxPosition(new Lsn(100), TxPosition.COMMIT_ORDINAL)), destination.durablePosition("apply"));
  }

  @Test
  void aReplayedBatchIsSkippedExactlyEvenWhenItOverlapsWhatWasApplied() {
    // a table without a key would show every duplicate
    List<Event> first = new ArrayList<>();
    List<Event> second = new ArrayList<>();
    for (int t = 1; t <= 4; t++) {
      Tx tx = new Tx(1000L * t);
      for (int i = 0; i < 3; i++) {
        tx.insert(NO_KEY, "tx" + t, "row" + i);
      }
      List<Event> events = tx.commit();
      if (t <= 2) {
        first.addAll(events);
      }
      if (t >= 2) {
        second.addAll(events);
      }
    }
    // the first batch ends inside transaction 2, as a batch may
    List<Event> firstPart = first.subList(0, first.size() - 3);
    destination.writeEvents("apply", firstPart);
    destination.writeEvents("apply", firstPart);
    destination.writeEvents("apply", first);
    destination.writeEvents("apply", second);
    destination.writeEvents("apply", second);

    assertEquals(List.of(List.of("tx1", "3"), List.of("tx2", "3"), List.of("tx3", "3"), List.of("tx4", "3")),
        server.query("postgres", "SELECT who, count(*)::text FROM public.audit GROUP BY who ORDER BY who"));
    // streams are independent: the same positions under another stream id do apply
    destination.writeEvents("sync_16501", second.subList(0, 5));
    assertEquals("15", count(NO_KEY));
  }

  @Test
  void anUnchangedToastValueKeepsTheDestinationValue() {
    String large = "x".repeat(100_000);
    destination.writeTableRows(KEYED, List.of(Row.of("7", large, "1.00", null, null)));
    Tx tx = new Tx(200);
    tx.update(KEYED, null, "7", Row.UNCHANGED_TOAST, "9.99", null, null);
    tx.update(KEYED, null, "7", Row.UNCHANGED_TOAST, Row.UNCHANGED_TOAST, Row.UNCHANGED_TOAST, Row.UNCHANGED_TOAST);
    destination.writeEvents("apply", tx.commit());
    assertEquals(List.of(List.of("100000", "9.99")), server.query("postgres",
        "SELECT length(\"Item Name\")::text, price::text FROM \"Shop\".\"Order Items\""));
  }

  @Test
  void withoutAKeyADeleteOrUpdateChangesExactlyOneMatchingRow() {
    destination.writeTableRows(NO_KEY, List.of(Row.of("a", "x"), Row.of("a", "x"), Row.of("b", null)));
    Tx tx = new Tx(300);
    tx.delete(NO_KEY, Row.of("a", "x"));
    tx.update(NO_KEY, Row.of("b", null), "b", "changed");
    destination.writeEvents("apply", tx.commit());
    assertEquals(List.of(List.of("a", "x"), List.of("b", "changed")),
        server.query("postgres", "SELECT who, what FROM public.audit ORDER BY who"));
  }

  @Test
  void aReplicaIdentityIndexThatIsNotThePrimaryKeyIsRefusedNotMatchedOnNulls() {
    TableSchema identityByIndex = new TableSchema(KEYED.oid(), KEYED.id(), List.of(
        new ColumnSchema("id", 23, -1, "integer", false, false),
        new ColumnSchema("Item Name", 25, -1, "text", true, true),
        new ColumnSchema("price", 1700, -1, "numeric(10,2)", true, false),
        new ColumnSchema("tags", 1009, -1, "text[]", true, false),
        new ColumnSchema("mood", 16600, -1, "mood", true, false)), 'i');
    Tx tx = new Tx(450);
    tx.events.add(new DeleteEvent(tx.next(), identityByIndex, Row.of(null, "pen", null, null, null), true));
    EtlException e = assertThrows(EtlException.class, () -> destination.writeEvents("apply", tx.commit()));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("REPLICA IDENTITY DEFAULT"), e.getMessage());
    assertEquals(Optional.empty(), destination.durablePosition("apply"), "nothing of the failed batch is recorded");
  }

  @Test
  void withoutAKeyAndWithoutWholeOldRowsTheErrorNamesTheFix() {
    Tx tx = new Tx(400);
    tx.events.add(new DeleteEvent(tx.next(), NO_KEY, Row.of("a", null), true));
    EtlException e = assertThrows(EtlException.class, () -> destination.writeEvents("apply", tx.commit()));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("REPLICA IDENTITY FULL"), e.getMessage());
    assertEquals(Optional.empty(), destination.durablePosition("apply"), "nothing of the failed batch is recorded");
  }

  @Test
  void truncateEmptiesTheTables() {
    destination.writeTableRows(KEYED, List.of(Row.of("1", "a", null, null, null)));
    destination.writeTableRows(NO_KEY, List.of(Row.of("a", "b")));
    Tx tx = new Tx(500);
    tx.events.add(new TruncateEvent(tx.next(), List.of(KEYED, NO_KEY), false, false));
    tx.insert(NO_KEY, "after", "truncate");
    destination.writeEvents("apply", tx.commit());
    assertEquals("0", count(KEYED));
    assertEquals("1", count(NO_KEY));
  }

  @Test
  void aWrongPasswordIsFatalAndNamedWithoutThePassword() {
    PostgresConnectionConfig config = server.connectionConfig("postgres", "P");
    try (PostgresDestination wrong = new PostgresDestination(config, "not-the-password-s3cr3t", "p")) {
      EtlException e = assertThrows(EtlException.class, wrong::verify);
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("password"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }
  }

  private static List<String> nullRow(String id) {
    List<String> row = new ArrayList<>();
    row.add(id);
    for (int i = 0; i < 4; i++) {
      row.add(null);
    }
    return row;
  }

  private static String count(TableSchema table) {
    return server.queryOne("postgres", "SELECT count(*) FROM " + table.id().quoted());
  }

  /** Builds one source transaction's events with increasing positions. */
  private static final class Tx {
    final Lsn commitLsn;
    final List<Event> events = new ArrayList<>();
    long ordinal;

    Tx(long commitLsn) {
      this.commitLsn = new Lsn(commitLsn);
      events.add(new BeginEvent(this.commitLsn, Instant.now(), commitLsn));
    }

    TxPosition next() {
      return new TxPosition(commitLsn, ++ordinal);
    }

    void insert(TableSchema table, String... values) {
      events.add(new InsertEvent(next(), table, Row.of(values)));
    }

    void update(TableSchema table, Row oldRow, String... values) {
      events.add(new UpdateEvent(next(), table, oldRow, oldRow != null && table == KEYED, Row.of(values)));
    }

    void delete(TableSchema table, Row oldRow) {
      events.add(new DeleteEvent(next(), table, oldRow, table == KEYED));
    }

    List<Event> commit() {
      events.add(new CommitEvent(commitLsn, new Lsn(commitLsn.value() + 1), Instant.now()));
      return events;
    }
  }
}
