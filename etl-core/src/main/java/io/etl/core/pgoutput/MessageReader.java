package io.etl.core.pgoutput;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etl.core.event.Row;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableSchema;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Reads the protocol's primitive fields from one message buffer: big-endian integers,
 * NUL-terminated UTF-8 strings, LSNs, timestamps and TupleData. Strings are decoded straight from
 * a heap buffer's backing array; a direct buffer goes through one reused scratch array.
 */
final class MessageReader {
  /** Seconds from 1970-01-01 to 2000-01-01, the epoch of PostgreSQL timestamps. */
  private static final long PG_EPOCH_SECONDS = 946_684_800L;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ByteBuffer buffer;
  private byte[] scratch = new byte[256];

  void reset(ByteBuffer message) {
    this.buffer = message;
  }

  boolean hasRemaining() {
    return buffer.hasRemaining();
  }

  byte readByte() {
    return buffer.get();
  }

  int readShort() {
    return buffer.getShort();
  }

  int readInt() {
    return buffer.getInt();
  }

  long readLong() {
    return buffer.getLong();
  }

  Lsn readLsn() {
    return new Lsn(buffer.getLong());
  }

  /** A timestamp in microseconds since 2000-01-01 UTC. */
  Instant readTimestamp() {
    long micros = buffer.getLong();
    long seconds = Math.floorDiv(micros, 1_000_000L);
    long nanos = Math.floorMod(micros, 1_000_000L) * 1_000L;
    return Instant.ofEpochSecond(PG_EPOCH_SECONDS + seconds, nanos);
  }

  byte[] readBytes(int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }

  String readCString() {
    int start = buffer.position();
    int limit = buffer.limit();
    int end = start;
    if (buffer.hasArray()) {
      byte[] array = buffer.array();
      int offset = buffer.arrayOffset();
      while (end < limit && array[offset + end] != 0) {
        end++;
      }
    } else {
      while (end < limit && buffer.get(end) != 0) {
        end++;
      }
    }
    if (end == limit) {
      throw new IllegalStateException("unterminated string in pgoutput message");
    }
    String value = readText(end - start);
    buffer.get(); // the terminating NUL
    return value;
  }

  /** {@code length} bytes of UTF-8 at the current position. */
  String readText(int length) {
    if (length > buffer.remaining()) {
      throw new IllegalStateException(
          "pgoutput field of " + length + " bytes overruns the message (" + buffer.remaining() + " left)");
    }
    if (buffer.hasArray()) {
      int position = buffer.position();
      String value = new String(buffer.array(), buffer.arrayOffset() + position, length, UTF_8);
      buffer.position(position + length);
      return value;
    }
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    buffer.get(scratch, 0, length);
    return new String(scratch, 0, length, UTF_8);
  }

  /**
   * TupleData: Int16 column count, then per column 'n' (null), 'u' (unchanged TOAST), 't' (Int32
   * length + text) or 'b' (Int32 length + binary, which we render as bytea-style hex text).
   */
  Row readTuple(TableSchema table) {
    int columns = buffer.getShort();
    if (columns != table.columnCount()) {
      throw new IllegalStateException(
          "pgoutput tuple for "
              + table.id()
              + " has "
              + columns
              + " columns but its Relation message announced "
              + table.columnCount());
    }
    String[] values = new String[columns];
    for (int i = 0; i < columns; i++) {
      byte kind = buffer.get();
      switch (kind) {
        case 'n' -> values[i] = null;
        case 'u' -> values[i] = Row.UNCHANGED_TOAST;
        case 't' -> values[i] = readText(buffer.getInt());
        case 'b' -> values[i] = readBinaryAsHex(buffer.getInt());
        default -> throw new IllegalStateException(
            "unknown tuple column kind '" + (char) kind + "' in pgoutput message for " + table.id());
      }
    }
    return new Row(values);
  }

  private String readBinaryAsHex(int length) {
    char[] text = new char[2 + 2 * length];
    text[0] = '\\';
    text[1] = 'x';
    for (int i = 0; i < length; i++) {
      int b = buffer.get() & 0xFF;
      text[2 + 2 * i] = HEX[b >>> 4];
      text[3 + 2 * i] = HEX[b & 0xF];
    }
    return new String(text);
  }
}
