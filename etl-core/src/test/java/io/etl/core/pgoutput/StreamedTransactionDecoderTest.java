package io.etl.core.pgoutput;

import static io.etl.core.pgoutput.PgOutputMessageBuilder.begin;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.commit;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.insert;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.message;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.relation;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamAbort;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamCommit;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamStart;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamStop;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamedInsert;
import static io.etl.core.pgoutput.PgOutputMessageBuilder.streamedRelation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.error.EtlException;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.MessageEvent;
import io.etl.core.event.RelationEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.Lsn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol version 2: stream blocks are spooled and replayed at their Stream Commit. */
class StreamedTransactionDecoderTest {
  private static final int USERS = 16400;
  private static final int TOP = 700;
  private static final long COMMIT_LSN = 0x2_0000_1000L;

  @TempDir Path spoolRoot;
  private Path spoolDirectory;
  private StreamedTransactions streamed;
  private PgOutputDecoder decoder;

  @BeforeEach
  void openStream() {
    spoolDirectory = spoolRoot.resolve("slot");
    streamed = new StreamedTransactions(spoolDirectory, Long.MAX_VALUE);
    decoder = new PgOutputDecoder(streamed);
  }

  @AfterEach
  void closeStream() {
    streamed.close();
  }

  private static ByteBuffer usersRelation(int xid) {
    return streamedRelation(xid, USERS, "public", "users", 'd', 1, "id", 23, -1, 0, "name", 25, -1);
  }

  /** The events of the Stream Commit and of the replay it starts. */
  private List<Event> commitAndReplay(int xid, long commitLsn) {
    List<Event> events = new ArrayList<>();
    events.add(decoder.decode(streamCommit(xid, commitLsn, commitLsn + 0x28, 1_000_000)));
    for (Event e = decoder.nextReplayed(); e != null; e = decoder.nextReplayed()) {
      events.add(e);
    }
    return events;
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().filter(InsertEvent.class::isInstance).map(e -> ((InsertEvent) e).newRow().get(0)).toList();
  }

  @Test
  void streamBlocksYieldNothingUntilTheirCommitThenReplayAsOneTransaction() {
    assertNull(decoder.decode(streamStart(TOP, true)));
    assertNull(decoder.decode(usersRelation(TOP)));
    assertNull(decoder.decode(streamedInsert(TOP, USERS, "1", "ann")));
    assertNull(decoder.decode(streamStop()));
    assertTrue(streamed.anyUncommitted());
    assertNull(decoder.nextReplayed(), "nothing to replay before the commit");
    assertNull(decoder.decode(streamStart(TOP, false)));
    assertNull(decoder.decode(streamedInsert(TOP, USERS, "2", "bob")));
    assertNull(decoder.decode(streamStop()));

    List<Event> events = commitAndReplay(TOP, COMMIT_LSN);
    assertFalse(streamed.anyUncommitted());

    BeginEvent begin = assertInstanceOf(BeginEvent.class, events.get(0));
    assertEquals(new Lsn(COMMIT_LSN), begin.finalLsn());
    assertEquals(TOP, begin.xid());
    assertEquals(Instant.parse("2000-01-01T00:00:01Z"), begin.commitTime());
    assertInstanceOf(RelationEvent.class, events.get(1));
    InsertEvent first = assertInstanceOf(InsertEvent.class, events.get(2));
    InsertEvent second = assertInstanceOf(InsertEvent.class, events.get(3));
    assertEquals(new TxPosition(new Lsn(COMMIT_LSN), 0), first.position(), "positions use the commit LSN");
    assertEquals(new TxPosition(new Lsn(COMMIT_LSN), 1), second.position());
    assertEquals("bob", second.newRow().get(1));
    CommitEvent commit = assertInstanceOf(CommitEvent.class, events.get(4));
    assertEquals(new Lsn(COMMIT_LSN), commit.commitLsn());
    assertEquals(new Lsn(COMMIT_LSN + 0x28), commit.endLsn());
    assertEquals(5, events.size());
    assertTrue(decoder.relation(USERS).isPresent(), "the streamed Relation describes the table from now on");
    assertEquals(List.of(), spoolFiles(), "a replayed spool is deleted");
  }

  /** etl_spool_bytes: what the spools in flight hold; an aborted subtransaction and transaction give theirs back. */
  @Test
  void theSpoolGaugeFollowsAppendsAndAborts() {
    streamed.close();
    EtlMetrics metrics = new EtlMetrics(new SimpleMeterRegistry());
    streamed = new StreamedTransactions(spoolDirectory, 1 << 20, metrics);
    decoder = new PgOutputDecoder(streamed);
    assertEquals(1 << 20, gauge(metrics, "etl.spool.max.bytes"));
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    decoder.decode(streamedInsert(TOP, USERS, "1", "ann"));
    long topOnly = gauge(metrics, "etl.spool.bytes");
    assertTrue(topOnly > 0, "spooled: " + topOnly);
    decoder.decode(streamedInsert(TOP + 1, USERS, "2", "bob"));
    assertTrue(gauge(metrics, "etl.spool.bytes") > topOnly);
    decoder.decode(streamStop());
    decoder.decode(streamAbort(TOP, TOP + 1));
    assertEquals(topOnly, gauge(metrics, "etl.spool.bytes"), "the subtransaction's change is gone");
    decoder.decode(streamAbort(TOP, TOP));
    assertEquals(0, gauge(metrics, "etl.spool.bytes"));
    streamed.close();
    assertEquals(0, gauge(metrics, "etl.spool.max.bytes"), "a closed stream spools nothing");
  }

  private static long gauge(EtlMetrics metrics, String name) {
    return (long) metrics.registry().get(name).gauge().value();
  }

  /** The spools in flight together stay under replication.maxSpoolBytes; what commits or aborts frees its share. */
  @Test
  void spoolingPastTheLimitStopsWithTheSettingAndTheTransactionNamed() {
    streamed.close();
    streamed = new StreamedTransactions(spoolDirectory, 400);
    decoder = new PgOutputDecoder(streamed);
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    int id = 0;
    EtlException full = null;
    try {
      for (; id < 100; id++) {
        decoder.decode(streamedInsert(TOP, USERS, Integer.toString(id), "a name of some length"));
      }
    } catch (EtlException e) {
      full = e;
    }
    assertNotNull(full, "400 bytes hold fewer than 100 rows");
    assertTrue(id > 3, "rows up to the limit were spooled: " + id);
    assertEquals("spool_full", full.category());
    assertTrue(full.isRetryable());
    assertTrue(full.reason().contains("the source transaction " + TOP + " (streamed before its commit) would take the spool of "
        + spoolDirectory + " past replication.maxSpoolBytes (400 bytes"), full.reason());
    assertTrue(full.solution().contains("raise replication.maxSpoolBytes"), full.solution());

    // after a restart the server streams it again; once it aborted, its share is free
    streamed.close();
    streamed = new StreamedTransactions(spoolDirectory, 400);
    decoder = new PgOutputDecoder(streamed);
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    for (int i = 0; i < id - 1; i++) {
      decoder.decode(streamedInsert(TOP, USERS, Integer.toString(i), "a name of some length"));
    }
    decoder.decode(streamStop());
    decoder.decode(streamAbort(TOP, TOP));
    decoder.decode(streamStart(TOP + 1, true));
    decoder.decode(usersRelation(TOP + 1));
    for (int i = 0; i < id - 1; i++) {
      decoder.decode(streamedInsert(TOP + 1, USERS, Integer.toString(i), "a name of some length"));
    }
    decoder.decode(streamStop());
    assertEquals(id - 1, ids(commitAndReplay(TOP + 1, COMMIT_LSN)).size());
  }

  @Test
  void wholeTransactionsAndOtherStreamsInterleaveWithAStreamedOne() {
    int other = TOP + 5;
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    decoder.decode(streamedInsert(TOP, USERS, "1", "top"));
    decoder.decode(streamStop());
    decoder.decode(streamStart(other, true));
    decoder.decode(usersRelation(other));
    decoder.decode(streamedInsert(other, USERS, "50", "other"));
    decoder.decode(streamStop());

    // a small transaction commits in between, whole, with its own Relation
    assertInstanceOf(BeginEvent.class, decoder.decode(begin(COMMIT_LSN - 0x500, 0, 690)));
    assertInstanceOf(RelationEvent.class, decoder.decode(relation(USERS, "public", "users", 'd',
        1, "id", 23, -1, 0, "name", 25, -1)));
    InsertEvent whole = (InsertEvent) decoder.decode(insert(USERS, "99", "whole"));
    assertEquals(new TxPosition(new Lsn(COMMIT_LSN - 0x500), 0), whole.position());
    assertInstanceOf(CommitEvent.class, decoder.decode(commit(COMMIT_LSN - 0x500, COMMIT_LSN - 0x4D0, 0)));

    decoder.decode(streamStart(TOP, false));
    decoder.decode(streamedInsert(TOP, USERS, "2", "top"));
    decoder.decode(streamStop());
    decoder.decode(streamStart(other, false));
    decoder.decode(streamedInsert(other, USERS, "51", "other"));
    decoder.decode(streamStop());

    assertEquals(List.of("50", "51"), ids(commitAndReplay(other, COMMIT_LSN)));
    assertEquals(List.of("1", "2"), ids(commitAndReplay(TOP, COMMIT_LSN + 0x100)));
  }

  @Test
  void streamAbortOfTheTopLevelTransactionDropsItsSpool() {
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    decoder.decode(streamedInsert(TOP, USERS, "1", "gone"));
    decoder.decode(streamStop());
    assertEquals(1, spoolFiles().size());

    assertNull(decoder.decode(streamAbort(TOP, TOP)));
    assertFalse(streamed.anyUncommitted());
    assertEquals(List.of(), spoolFiles());
    assertNull(decoder.nextReplayed());
  }

  @Test
  void rollbackToSavepointDropsTheSubtransactionAndWhatWasNestedInIt() {
    int outer = TOP + 1;
    int inner = TOP + 2;
    int later = TOP + 3;
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    decoder.decode(streamedInsert(TOP, USERS, "1", "kept"));
    decoder.decode(streamedInsert(outer, USERS, "2", "outer"));
    decoder.decode(streamStop());
    decoder.decode(streamStart(TOP, false));
    decoder.decode(streamedInsert(inner, USERS, "3", "inner"));
    decoder.decode(streamedInsert(outer, USERS, "4", "outer again"));
    decoder.decode(streamStop());
    decoder.decode(streamAbort(TOP, TOP + 40)); // a subtransaction without changes
    decoder.decode(streamAbort(TOP, outer));
    decoder.decode(streamAbort(TOP, inner));
    decoder.decode(streamStart(TOP, false));
    decoder.decode(streamedInsert(TOP, USERS, "5", "kept"));
    decoder.decode(streamedInsert(later, USERS, "6", "later"));
    decoder.decode(streamStop());
    decoder.decode(streamAbort(TOP, later));
    decoder.decode(streamStart(TOP, false));
    decoder.decode(streamedInsert(TOP, USERS, "7", "kept"));
    decoder.decode(streamStop());

    List<Event> events = commitAndReplay(TOP, COMMIT_LSN);
    assertEquals(List.of("1", "5", "7"), ids(events));
    assertEquals(new TxPosition(new Lsn(COMMIT_LSN), 2), ((InsertEvent) events.get(4)).position(),
        "ordinals count only what was kept");
  }

  @Test
  void aLargeMessageAndManySmallOnesSurviveTheSpool() {
    String wide = "w".repeat(300_000);
    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    for (int i = 0; i < 20_000; i++) {
      decoder.decode(streamedInsert(TOP, USERS, Integer.toString(i), i == 7_000 ? wide : "n" + i));
    }
    decoder.decode(streamStop());
    List<Event> events = commitAndReplay(TOP, COMMIT_LSN);
    assertEquals(20_003, events.size());
    InsertEvent big = (InsertEvent) events.get(2 + 7_000);
    assertEquals(wide, big.newRow().get(1));
    assertEquals("n19999", ((InsertEvent) events.get(20_001)).newRow().get(1));
  }

  @Test
  void transactionalMessagesInsideABlockAreReplayedNonTransactionalOnesAreNot() {
    decoder.decode(streamStart(TOP, true));
    decoder.decode(message('M').int32(TOP).int8(1).int64(COMMIT_LSN - 8).cstring("app")
        .int32(2).raw("hi".getBytes(StandardCharsets.UTF_8)).buffer());
    decoder.decode(streamStop());
    List<Event> events = commitAndReplay(TOP, COMMIT_LSN);
    MessageEvent m = assertInstanceOf(MessageEvent.class, events.get(1));
    assertTrue(m.transactional());
    assertEquals("app", m.prefix());
  }

  @Test
  void aCommitWithoutSpooledChangesIsAnEmptyTransaction() {
    List<Event> events = commitAndReplay(TOP, COMMIT_LSN);
    assertInstanceOf(BeginEvent.class, events.get(0));
    assertInstanceOf(CommitEvent.class, events.get(1));
    assertEquals(2, events.size());
  }

  @Test
  void protocolMisstepsAreErrors() {
    assertThrows(IllegalStateException.class, () -> decoder.decode(streamStart(TOP, false)),
        "a later segment without the first one");
    decoder.decode(streamStart(TOP, true));
    assertThrows(IllegalStateException.class, () -> decoder.decode(begin(COMMIT_LSN, 0, 1)),
        "Begin inside a stream block");
  }

  @Test
  void aDecoderForProtocolVersion1RefusesStreamMessages() {
    PgOutputDecoder v1 = new PgOutputDecoder();
    assertThrows(IllegalStateException.class, () -> v1.decode(streamStart(TOP, true)));
  }

  @Test
  void theSpoolDirectoryIsEmptiedWhenAStreamStartsAndRemovedWhenItCloses() throws IOException {
    Path leftover = Files.writeString(spoolDirectory.resolve("xid-1.spool"), "from a crashed run");
    new StreamedTransactions(spoolDirectory, Long.MAX_VALUE);
    assertFalse(Files.exists(leftover));

    decoder.decode(streamStart(TOP, true));
    decoder.decode(usersRelation(TOP));
    decoder.decode(streamStop());
    streamed.close();
    assertFalse(Files.exists(spoolDirectory));
  }

  private List<Path> spoolFiles() {
    try (Stream<Path> files = Files.list(spoolDirectory)) {
      return files.toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
