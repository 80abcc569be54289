package io.etl.core.pgoutput;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
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
import io.etl.core.types.TypeNameFormatter;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decodes pgoutput messages, one XLogData payload at a time, into {@link Event}s: protocol
 * version 1, and with {@link StreamedTransactions} also version 2's streaming of in-progress
 * transactions.
 *
 * <p>Stateful, like the stream it reads: Relation messages fill a cache (OID → {@link
 * TableSchema}) that later change messages refer to, and each change is stamped with a {@link
 * TxPosition} made of its transaction's commit LSN (from Begin) and its ordinal 0, 1, 2… inside
 * that transaction. Use one decoder per replication stream, from one thread.
 *
 * <p>A streamed transaction's commit LSN, which every position needs, is known only at its Stream
 * Commit. So the messages of its stream blocks go to a spool file unread, and the Stream Commit
 * decodes to a {@link BeginEvent}, after which {@link #nextReplayed()} decodes the spooled
 * messages one by one, as if the transaction had arrived whole, and ends with its {@link
 * CommitEvent}. Relation messages inside stream blocks take effect there too, in commit order:
 * pgoutput counts a relation as described only once the streamed transaction has committed.
 *
 * <p>Protocol errors (unknown message type, a change for a relation the stream never described,
 * a change outside a transaction, a truncated message) throw {@link IllegalStateException}: they
 * mean the decoder and the stream are out of step, and the stream must be restarted.
 */
public final class PgOutputDecoder {
  private static final String PG_CATALOG = "pg_catalog";

  private final RelationCache relations = new RelationCache();
  private final MessageReader reader = new MessageReader();
  /** Where stream blocks go; null when the stream is protocol version 1. */
  private final StreamedTransactions streamed;

  private boolean inStreamBlock;
  /** The committed streamed transaction being replayed: its messages, then its commit. */
  private SpoolReplay replay;
  private CommitEvent replayCommit;

  /** The current transaction's commit LSN; null between Commit and the next Begin. */
  private Lsn commitLsn;

  private long nextOrdinal;

  /** A decoder for protocol version 1. */
  public PgOutputDecoder() {
    this(null);
  }

  /** A decoder for protocol version 2 with streaming, spooling stream blocks to {@code streamed}. */
  public PgOutputDecoder(StreamedTransactions streamed) {
    this.streamed = streamed;
  }

  /**
   * Decodes one message. Consumes the buffer: its position ends after the message, and its byte
   * order is set to big-endian, the protocol's.
   *
   * @return the event; null for messages that carry nothing for us yet (stream control, and
   *     everything inside a stream block)
   * @throws IllegalStateException on a protocol error (see the class comment), also when a
   *     committed streamed transaction has not been fully replayed by {@link #nextReplayed()}
   */
  public Event decode(ByteBuffer message) {
    if (replayCommit != null) {
      throw new IllegalStateException(
          "pgoutput message decoded while a committed streamed transaction still waits to be replayed");
    }
    return decodeMessage(message);
  }

  /**
   * The next event of the committed streamed transaction being replayed, its {@link CommitEvent}
   * last; null when there is none (call it until null after every {@link BeginEvent}).
   */
  public Event nextReplayed() {
    if (replayCommit == null) {
      return null;
    }
    if (replay != null) {
      ByteBuffer spooled;
      try {
        spooled = replay.next();
      } catch (IOException e) {
        throw StreamedTransactions.spoolFailure("read the spool file " + replay.file(), e);
      }
      if (spooled != null) {
        return decodeMessage(spooled);
      }
      closeReplay();
    }
    CommitEvent commit = replayCommit;
    replayCommit = null;
    commitLsn = null;
    return commit;
  }

  private Event decodeMessage(ByteBuffer message) {
    message.order(ByteOrder.BIG_ENDIAN);
    reader.reset(message);
    if (!message.hasRemaining()) {
      throw new IllegalStateException("empty pgoutput message");
    }
    byte kind = reader.readByte();
    try {
      if (inStreamBlock) {
        spoolStreamed(kind, message);
        return null;
      }
      return switch (kind) {
        case 'B' -> begin();
        case 'C' -> commit();
        case 'O' -> origin();
        case 'R' -> relation();
        case 'Y' -> type();
        case 'I' -> insert();
        case 'U' -> update();
        case 'D' -> delete();
        case 'T' -> truncate();
        case 'M' -> message();
        case 'S' -> streamStart();
        case 'c' -> streamCommit();
        case 'A' -> streamAbort();
        default -> throw new IllegalStateException(
            "unknown pgoutput message type '" + (char) kind + "' (0x" + Integer.toHexString(kind & 0xFF)
                + "); only protocol versions 1 and 2 are supported");
      };
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException("truncated pgoutput '" + (char) kind + "' message", e);
    }
  }

  /** The schema last announced for a relation OID by a Relation message. */
  public Optional<TableSchema> relation(int oid) {
    return Optional.ofNullable(relations.get(oid));
  }

  private BeginEvent begin() {
    Lsn finalLsn = reader.readLsn();
    Instant commitTime = reader.readTimestamp();
    long xid = Integer.toUnsignedLong(reader.readInt());
    commitLsn = finalLsn;
    nextOrdinal = 0;
    return new BeginEvent(finalLsn, commitTime, xid);
  }

  private CommitEvent commit() {
    reader.readByte(); // flags, unused in v1
    Lsn lsn = reader.readLsn();
    Lsn endLsn = reader.readLsn();
    Instant commitTime = reader.readTimestamp();
    commitLsn = null;
    return new CommitEvent(lsn, endLsn, commitTime);
  }

  private Event streamStart() {
    requireStreaming('S');
    long xid = Integer.toUnsignedLong(reader.readInt());
    boolean firstSegment = reader.readByte() == 1;
    streamed.startBlock(xid, firstSegment);
    inStreamBlock = true;
    return null;
  }

  /**
   * Inside a stream block every message goes to the spool unread, as its protocol 1 form: the
   * xid that protocol 2 puts after the type byte is taken out (Origin carries none).
   */
  private void spoolStreamed(byte kind, ByteBuffer message) {
    switch (kind) {
      case 'E' -> {
        inStreamBlock = false;
        streamed.endBlock();
      }
      case 'O' -> streamed.append(streamed.blockXid(), kind, message);
      case 'R', 'Y', 'I', 'U', 'D', 'T', 'M' -> {
        long xid = Integer.toUnsignedLong(reader.readInt());
        streamed.append(xid, kind, message);
      }
      default -> throw new IllegalStateException(
          "pgoutput message type '" + (char) kind + "' inside a stream block (no Stream Stop before it)");
    }
  }

  private BeginEvent streamCommit() {
    requireStreaming('c');
    long xid = Integer.toUnsignedLong(reader.readInt());
    reader.readByte(); // flags, unused
    Lsn lsn = reader.readLsn();
    Lsn endLsn = reader.readLsn();
    Instant commitTime = reader.readTimestamp();
    replay = streamed.commit(xid);
    replayCommit = new CommitEvent(lsn, endLsn, commitTime);
    commitLsn = lsn;
    nextOrdinal = 0;
    return new BeginEvent(lsn, commitTime, xid);
  }

  private Event streamAbort() {
    requireStreaming('A');
    long xid = Integer.toUnsignedLong(reader.readInt());
    long subxid = Integer.toUnsignedLong(reader.readInt());
    streamed.abort(xid, subxid);
    return null;
  }

  private void requireStreaming(char messageType) {
    if (streamed == null) {
      throw new IllegalStateException("pgoutput stream message '" + messageType
          + "' on a stream that did not ask for streaming (protocol version 1)");
    }
  }

  private void closeReplay() {
    SpoolReplay done = replay;
    replay = null;
    try {
      done.close();
    } catch (IOException e) {
      throw StreamedTransactions.spoolFailure("delete the spool file " + done.file(), e);
    }
  }

  private OriginEvent origin() {
    Lsn originLsn = reader.readLsn();
    return new OriginEvent(originLsn, reader.readCString());
  }

  private RelationEvent relation() {
    int oid = reader.readInt();
    String namespace = namespace(reader.readCString());
    String name = reader.readCString();
    char replicaIdentity = (char) reader.readByte();
    int columnCount = reader.readShort();
    ColumnSchema[] columns = new ColumnSchema[columnCount];
    for (int i = 0; i < columnCount; i++) {
      boolean keyColumn = (reader.readByte() & 1) != 0;
      String columnName = reader.readCString();
      int typeOid = reader.readInt();
      int typeModifier = reader.readInt();
      columns[i] =
          new ColumnSchema(
              columnName,
              typeOid,
              typeModifier,
              TypeNameFormatter.format(typeOid, typeModifier),
              true, // pgoutput does not say; NOT NULL is only known from the catalog
              keyColumn);
    }
    TableSchema schema =
        new TableSchema(oid, new TableId(namespace, name), Arrays.asList(columns), replicaIdentity);
    relations.put(oid, schema);
    return new RelationEvent(schema);
  }

  private TypeEvent type() {
    int oid = reader.readInt();
    String namespace = namespace(reader.readCString());
    return new TypeEvent(oid, namespace, reader.readCString());
  }

  private InsertEvent insert() {
    TableSchema table = changedRelation('I');
    expectTupleMarker('N', table);
    Row newRow = reader.readTuple(table);
    return new InsertEvent(nextPosition(), table, newRow);
  }

  private UpdateEvent update() {
    TableSchema table = changedRelation('U');
    byte marker = reader.readByte();
    Row oldRow = null;
    boolean oldIsKeyOnly = false;
    if (marker == 'K' || marker == 'O') {
      oldIsKeyOnly = marker == 'K';
      oldRow = reader.readTuple(table);
      marker = reader.readByte();
    }
    if (marker != 'N') {
      throw unexpectedMarker(marker, "'N'", table);
    }
    Row newRow = reader.readTuple(table);
    return new UpdateEvent(nextPosition(), table, oldRow, oldIsKeyOnly, newRow);
  }

  private DeleteEvent delete() {
    TableSchema table = changedRelation('D');
    byte marker = reader.readByte();
    if (marker != 'K' && marker != 'O') {
      throw unexpectedMarker(marker, "'K' or 'O'", table);
    }
    Row oldRow = reader.readTuple(table);
    return new DeleteEvent(nextPosition(), table, oldRow, marker == 'K');
  }

  private TruncateEvent truncate() {
    requireTransaction('T');
    int count = reader.readInt();
    int options = reader.readByte();
    TableSchema[] tables = new TableSchema[count];
    for (int i = 0; i < count; i++) {
      tables[i] = knownRelation(reader.readInt(), 'T');
    }
    return new TruncateEvent(
        nextPosition(), List.of(tables), (options & 1) != 0, (options & 2) != 0);
  }

  private MessageEvent message() {
    boolean transactional = (reader.readByte() & 1) != 0;
    Lsn lsn = reader.readLsn();
    String prefix = reader.readCString();
    byte[] content = reader.readBytes(reader.readInt());
    return new MessageEvent(lsn, transactional, prefix, content);
  }

  private TableSchema changedRelation(char messageType) {
    requireTransaction(messageType);
    return knownRelation(reader.readInt(), messageType);
  }

  private TableSchema knownRelation(int oid, char messageType) {
    TableSchema table = relations.get(oid);
    if (table == null) {
      throw new IllegalStateException(
          "pgoutput '"
              + messageType
              + "' message for relation OID "
              + Integer.toUnsignedString(oid)
              + " which no Relation message described; the decoder is out of step with the"
              + " stream (restart the stream from the last confirmed position)");
    }
    return table;
  }

  private void requireTransaction(char messageType) {
    if (commitLsn == null) {
      throw new IllegalStateException(
          "pgoutput '" + messageType + "' message outside a transaction (no Begin before it)");
    }
  }

  private TxPosition nextPosition() {
    return new TxPosition(commitLsn, nextOrdinal++);
  }

  private void expectTupleMarker(char expected, TableSchema table) {
    byte marker = reader.readByte();
    if (marker != expected) {
      throw unexpectedMarker(marker, "'" + expected + "'", table);
    }
  }

  private static IllegalStateException unexpectedMarker(byte marker, String expected, TableSchema table) {
    return new IllegalStateException(
        "pgoutput tuple marker '" + (char) marker + "' where " + expected + " was expected, for " + table.id());
  }

  /** pgoutput sends an empty namespace for pg_catalog. */
  private static String namespace(String sent) {
    return sent.isEmpty() ? PG_CATALOG : sent;
  }
}
