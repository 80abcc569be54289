package io.etl.core.pgoutput;

import static io.etl.core.pgoutput.PgOutputMessageBuilder.begin;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.commit;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.insert;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.message;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.relation;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.MessageEvent;
import io.etl.core.event.OriginEvent;
import io.etl.core.event.RelationEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.TypeEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {
  private static final int USERS = 16400;
  private static final int ORDERS = 16500;
  private static final long FINAL_LSN = 0x1_6B3740A8L;

  private PgOutputDecoder decoder;

  @BeforeEach
  void describeTables() {
    decoder = new PgOutputDecoder();
    decoder.decode(
        relation(USERS, "public", "users", 'd',
            1, "id", 23, -1,
            0, "name", 25, -1,
            0, "bio", 25, -1));
    decoder.decode(relation(ORDERS, "shop", "orders", 'f', 1, "id", 20, -1));
  }

  private void beginTransaction() {
    decoder.decode(begin(FINAL_LSN, 0, 42));
  }

  @Test
  void beginAndCommitCarryLsnsTimesAndXid() {
    long micros = 770_000_000_123_456L; // 2024-05-27T00:53:20.123456Z
    BeginEvent b = (BeginEvent) decoder.decode(begin(FINAL_LSN, micros, 0xFFFF_FFFE));
    assertEquals(new Lsn(FINAL_LSN), b.finalLsn());
    assertEquals(Instant.ofEpochSecond(946_684_800L + 770_000_000L, 123_456_000L), b.commitTime());
    assertEquals(4_294_967_294L, b.xid(), "xid is unsigned");

    CommitEvent c = (CommitEvent) decoder.decode(commit(FINAL_LSN, FINAL_LSN + 0x30, micros));
    assertEquals(new Lsn(FINAL_LSN), c.commitLsn());
    assertEquals(new Lsn(FINAL_LSN + 0x30), c.endLsn());
    assertEquals(b.commitTime(), c.commitTime());
  }

  @Test
  void timestampsBefore2000AreNegativeMicros() {
    BeginEvent b = (BeginEvent) decoder.decode(begin(FINAL_LSN, -1, 1));
    assertEquals(Instant.parse("1999-12-31T23:59:59.999999Z"), b.commitTime());
  }

  @Test
  void changesAreStampedWithCommitLsnAndOrdinalsThatRestartPerTransaction() {
    beginTransaction();
    InsertEvent first = (InsertEvent) decoder.decode(insert(USERS, "1", "ann", null));
    InsertEvent second = (InsertEvent) decoder.decode(insert(USERS, "2", "bob", null));
    decoder.decode(commit(FINAL_LSN, FINAL_LSN + 8, 0));
    assertEquals(new TxPosition(new Lsn(FINAL_LSN), 0), first.position());
    assertEquals(new TxPosition(new Lsn(FINAL_LSN), 1), second.position());

    decoder.decode(begin(FINAL_LSN + 100, 0, 43));
    InsertEvent next = (InsertEvent) decoder.decode(insert(USERS, "3", "cy", null));
    assertEquals(new TxPosition(new Lsn(FINAL_LSN + 100), 0), next.position());
  }

  @Test
  void relationFillsTheCacheWithKeyFlagsTypeNamesAndReplicaIdentity() {
    RelationEvent event =
        (RelationEvent)
            decoder.decode(
                relation(16600, "", "pg_thing", 'i',
                    1, "amount", 1700, ((10 << 16) | 2) + 4,
                    1, "code", 1043, 20 + 4,
                    0, "mood", 16700, -1,
                    0, "tags", 1009, -1,
                    0, "at", 1184, 3));
    TableSchema schema = event.schema();
    assertEquals(new TableId("pg_catalog", "pg_thing"), schema.id(), "empty namespace is pg_catalog");
    assertEquals('i', schema.replicaIdentity());
    assertEquals(
        List.of(
            new ColumnSchema("amount", 1700, 655366, "numeric(10,2)", true, true),
            new ColumnSchema("code", 1043, 24, "character varying(20)", true, true),
            new ColumnSchema("mood", 16700, -1, null, true, false),
            new ColumnSchema("tags", 1009, -1, "text[]", true, false),
            new ColumnSchema("at", 1184, 3, "timestamp(3) with time zone", true, false)),
        schema.columns());
    assertSame(schema, decoder.relation(16600).orElseThrow());
    assertTrue(decoder.relation(99).isEmpty());
  }

  @Test
  void aNewRelationMessageReplacesTheCachedSchema() {
    decoder.decode(relation(USERS, "public", "users", 'd', 1, "id", 23, -1, 0, "email", 25, -1));
    assertEquals(List.of("id", "email"),
        decoder.relation(USERS).orElseThrow().columns().stream().map(ColumnSchema::name).toList());
    beginTransaction();
    InsertEvent e = (InsertEvent) decoder.decode(insert(USERS, "1", "a@b"));
    assertEquals(Row.of("1", "a@b"), e.newRow());
  }

  @Test
  void manyRelationsStayRetrievable() {
    for (int oid = 20_000; oid < 20_500; oid++) {
      decoder.decode(relation(oid, "s", "t" + oid, 'd', 1, "id", 23, -1));
    }
    for (int oid = 20_000; oid < 20_500; oid++) {
      assertEquals("t" + oid, decoder.relation(oid).orElseThrow().id().name());
    }
    assertEquals("users", decoder.relation(USERS).orElseThrow().id().name());
  }

  @Test
  void typeAndOriginMessages() {
    TypeEvent type =
        (TypeEvent) decoder.decode(message('Y').int32(16700).cstring("public").cstring("mood").buffer());
    assertEquals(new TypeEvent(16700, "public", "mood"), type);

    beginTransaction();
    OriginEvent origin =
        (OriginEvent) decoder.decode(message('O').int64(0xABCDL).cstring("node_a").buffer());
    assertEquals(new OriginEvent(new Lsn(0xABCDL), "node_a"), origin);
  }

  @Test
  void insertDecodesTextNullUnchangedToastAndMultibyteUtf8() {
    beginTransaction();
    InsertEvent e =
        (InsertEvent) decoder.decode(insert(USERS, "7", "Zoë 🐘 日本", Row.UNCHANGED_TOAST));
    assertEquals("7", e.newRow().get(0));
    assertEquals("Zoë 🐘 日本", e.newRow().get(1));
    assertTrue(e.newRow().isUnchangedToast(2));
    assertSame(decoder.relation(USERS).orElseThrow(), e.table());

    InsertEvent withNull = (InsertEvent) decoder.decode(insert(USERS, "8", null, ""));
    assertTrue(withNull.newRow().isNull(1));
    assertEquals("", withNull.newRow().get(2));
  }

  @Test
  void binaryColumnsBecomeByteaStyleHexText() {
    beginTransaction();
    InsertEvent e =
        (InsertEvent) decoder.decode(insert(USERS, new byte[] {0, 1, (byte) 0xAB}, "x", new byte[0]));
    assertEquals("\\x0001ab", e.newRow().get(0));
    assertEquals("\\x", e.newRow().get(2));
  }

  @Test
  void updateWithoutOldTupleCarriesOnlyTheNewRow() {
    beginTransaction();
    UpdateEvent u =
        (UpdateEvent)
            decoder.decode(
                message('U').int32(USERS).int8('N').tuple("1", "ann", Row.UNCHANGED_TOAST).buffer());
    assertNull(u.oldRow());
    assertFalse(u.oldIsKeyOnly());
    assertEquals("ann", u.newRow().get(1));
    assertTrue(u.newRow().isUnchangedToast(2));
    assertEquals(0, u.position().ordinal());
  }

  @Test
  void updateWithKeyOldTupleMarksItKeyOnly() {
    beginTransaction();
    UpdateEvent u =
        (UpdateEvent)
            decoder.decode(
                message('U').int32(USERS)
                    .int8('K').tuple("1", null, null)
                    .int8('N').tuple("2", "ann", "bio")
                    .buffer());
    assertEquals(Row.of("1", null, null), u.oldRow());
    assertTrue(u.oldIsKeyOnly());
    assertEquals(Row.of("2", "ann", "bio"), u.newRow());
  }

  @Test
  void updateWithFullOldTuple() {
    beginTransaction();
    UpdateEvent u =
        (UpdateEvent)
            decoder.decode(
                message('U').int32(ORDERS).int8('O').tuple("5").int8('N').tuple("6").buffer());
    assertEquals(Row.of("5"), u.oldRow());
    assertFalse(u.oldIsKeyOnly());
    assertEquals(Row.of("6"), u.newRow());
    assertEquals(new TableId("shop", "orders"), u.table().id());
  }

  @Test
  void deleteWithKeyOrFullOldTuple() {
    beginTransaction();
    DeleteEvent byKey =
        (DeleteEvent) decoder.decode(message('D').int32(USERS).int8('K').tuple("1", null, null).buffer());
    assertEquals(Row.of("1", null, null), byKey.oldRow());
    assertTrue(byKey.oldIsKeyOnly());

    DeleteEvent full = (DeleteEvent) decoder.decode(message('D').int32(ORDERS).int8('O').tuple("9").buffer());
    assertEquals(Row.of("9"), full.oldRow());
    assertFalse(full.oldIsKeyOnly());
    assertEquals(1, full.position().ordinal());
  }

  @Test
  void truncateListsTablesAndDecodesOptionBits() {
    beginTransaction();
    TableSchema users = decoder.relation(USERS).orElseThrow();
    TableSchema orders = decoder.relation(ORDERS).orElseThrow();
    boolean[][] cases = {{false, false}, {true, false}, {false, true}, {true, true}};
    for (int options = 0; options < 4; options++) {
      TruncateEvent t =
          (TruncateEvent)
              decoder.decode(message('T').int32(2).int8(options).int32(USERS).int32(ORDERS).buffer());
      assertEquals(List.of(users, orders), t.tables());
      assertEquals(cases[options][0], t.cascade(), "cascade for options " + options);
      assertEquals(cases[options][1], t.restartIdentity(), "restart identity for options " + options);
      assertEquals(options, t.position().ordinal());
    }
  }

  @Test
  void messagesKeepFlagsLsnPrefixAndContent() {
    MessageEvent outside =
        (MessageEvent)
            decoder.decode(message('M').int8(0).int64(0x77L).cstring("heartbeat").int32(0).buffer());
    assertEquals(new Lsn(0x77L), outside.lsn());
    assertFalse(outside.transactional());
    assertEquals("heartbeat", outside.prefix());
    assertEquals(0, outside.content().length);

    beginTransaction();
    byte[] content = "hi \u0000 there".getBytes(UTF_8);
    MessageEvent inside =
        (MessageEvent)
            decoder.decode(
                message('M').int8(1).int64(0x78L).cstring("p").int32(content.length).raw(content).buffer());
    assertTrue(inside.transactional());
    assertArrayEquals(content, inside.content());
  }

  @Test
  void readsFromASliceOfALargerArrayAndFromDirectBuffers() {
    byte[] msg = message('I').int32(USERS).int8('N').tuple("1", "é", null).bytes();
    byte[] framed = new byte[msg.length + 30];
    System.arraycopy(msg, 0, framed, 25, msg.length);
    beginTransaction();

    InsertEvent fromOffset = (InsertEvent) decoder.decode(ByteBuffer.wrap(framed, 25, msg.length));
    ByteBuffer sliced = ByteBuffer.wrap(framed, 20, msg.length + 5).position(25).slice();
    sliced.limit(msg.length);
    InsertEvent fromSlice = (InsertEvent) decoder.decode(sliced);
    ByteBuffer direct = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
    InsertEvent fromDirect = (InsertEvent) decoder.decode(direct);

    for (InsertEvent e : List.of(fromOffset, fromSlice, fromDirect)) {
      assertEquals(Row.of("1", "é", null), e.newRow());
    }
    assertEquals(2, fromDirect.position().ordinal());
    assertFalse(direct.hasRemaining(), "the message is consumed");
  }

  @Test
  void changeForAnUndescribedRelationIsAProtocolError() {
    beginTransaction();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> decoder.decode(insert(31337, "1")));
    assertTrue(e.getMessage().contains("relation OID 31337"), e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(message('T').int32(1).int8(0).int32(31337).buffer()));
  }

  @Test
  void changeOutsideATransactionIsAProtocolError() {
    assertThrows(IllegalStateException.class, () -> decoder.decode(insert(USERS, "1", "a", "b")));
    beginTransaction();
    decoder.decode(commit(FINAL_LSN, FINAL_LSN + 8, 0));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> decoder.decode(insert(USERS, "1", "a", "b")));
    assertTrue(e.getMessage().contains("outside a transaction"), e.getMessage());
  }

  @Test
  void malformedMessagesAreProtocolErrors() {
    beginTransaction();
    assertThrows(IllegalStateException.class, () -> decoder.decode(message('S').int32(1).buffer()));
    assertThrows(IllegalStateException.class, () -> decoder.decode(ByteBuffer.allocate(0)));
    IllegalStateException truncated =
        assertThrows(IllegalStateException.class, () -> decoder.decode(message('B').int64(1).buffer()));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(message('I').int32(USERS).int8('N').tuple("1", "2").buffer()),
        "column count differs from the Relation message");
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(message('I').int32(USERS).int8('X').tuple("1", "2", "3").buffer()));
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(message('I').int32(USERS).int8('N').int16(3).int8('t').int32(100).buffer()),
        "a text length past the end of the message");
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(message('Y').int32(1).raw(new byte[] {'a', 'b'}).buffer()),
        "unterminated string");
  }
}
