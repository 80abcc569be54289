package io.etl.core.pgoutput;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etl.core.event.Row;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Writes pgoutput messages byte by byte, the way the server's proto.c does, for tests: protocol
 * version 1, and version 2's stream messages and the xid its messages carry inside a stream block.
 */
final class PgOutputMessageBuilder {
  /** 2000-01-01T00:00:00Z in Unix seconds. */
  static final long PG_EPOCH_SECONDS = 946_684_800L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  private PgOutputMessageBuilder(char type) {
    int8(type);
  }

  static PgOutputMessageBuilder message(char type) {
    return new PgOutputMessageBuilder(type);
  }

  static ByteBuffer begin(long finalLsn, long commitMicros, int xid) {
    return message('B').int64(finalLsn).int64(commitMicros).int32(xid).buffer();
  }

  static ByteBuffer commit(long commitLsn, long endLsn, long commitMicros) {
    return message('C').int8(0).int64(commitLsn).int64(endLsn).int64(commitMicros).buffer();
  }

  /** columns: groups of (Integer flags, String name, Integer typeOid, Integer typmod). */
  static ByteBuffer relation(int oid, String namespace, String name, char identity, Object... columns) {
    PgOutputMessageBuilder b =
        message('R').int32(oid).cstring(namespace).cstring(name).int8(identity).int16(columns.length / 4);
    for (int i = 0; i < columns.length; i += 4) {
      b.int8((Integer) columns[i])
          .cstring((String) columns[i + 1])
          .int32((Integer) columns[i + 2])
          .int32((Integer) columns[i + 3]);
    }
    return b.buffer();
  }

  static ByteBuffer insert(int oid, Object... values) {
    return message('I').int32(oid).int8('N').tuple(values).buffer();
  }

  static ByteBuffer streamStart(int xid, boolean firstSegment) {
    return message('S').int32(xid).int8(firstSegment ? 1 : 0).buffer();
  }

  static ByteBuffer streamStop() {
    return message('E').buffer();
  }

  static ByteBuffer streamCommit(int xid, long commitLsn, long endLsn, long commitMicros) {
    return message('c').int32(xid).int8(0).int64(commitLsn).int64(endLsn).int64(commitMicros).buffer();
  }

  static ByteBuffer streamAbort(int xid, int subxid) {
    return message('A').int32(xid).int32(subxid).buffer();
  }

  /** An Insert inside a stream block: the (sub)transaction's xid comes before the relation. */
  static ByteBuffer streamedInsert(int xid, int oid, Object... values) {
    return message('I').int32(xid).int32(oid).int8('N').tuple(values).buffer();
  }

  /** A Relation inside a stream block; columns as for {@link #relation}. */
  static ByteBuffer streamedRelation(int xid, int oid, String namespace, String name, char identity, Object... columns) {
    ByteBuffer v1 = relation(oid, namespace, name, identity, columns);
    v1.get(); // the type byte, written again before the xid
    byte[] fields = new byte[v1.remaining()];
    v1.get(fields);
    return message('R').int32(xid).raw(fields).buffer();
  }

  PgOutputMessageBuilder int8(int v) {
    return write(() -> out.writeByte(v));
  }

  PgOutputMessageBuilder int16(int v) {
    return write(() -> out.writeShort(v));
  }

  PgOutputMessageBuilder int32(int v) {
    return write(() -> out.writeInt(v));
  }

  PgOutputMessageBuilder int64(long v) {
    return write(() -> out.writeLong(v));
  }

  PgOutputMessageBuilder cstring(String s) {
    return write(
        () -> {
          out.write(s.getBytes(UTF_8));
          out.writeByte(0);
        });
  }

  PgOutputMessageBuilder raw(byte[] b) {
    return write(() -> out.write(b));
  }

  /**
   * TupleData; each value: null → 'n', {@link Row#UNCHANGED_TOAST} → 'u', String → 't',
   * byte[] → 'b'.
   */
  PgOutputMessageBuilder tuple(Object... values) {
    int16(values.length);
    for (Object v : values) {
      if (v == null) {
        int8('n');
      } else if (v == Row.UNCHANGED_TOAST) {
        int8('u');
      } else if (v instanceof String s) {
        byte[] text = s.getBytes(UTF_8);
        int8('t').int32(text.length).raw(text);
      } else {
        byte[] binary = (byte[]) v;
        int8('b').int32(binary.length).raw(binary);
      }
    }
    return this;
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  ByteBuffer buffer() {
    return ByteBuffer.wrap(bytes());
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private PgOutputMessageBuilder write(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
