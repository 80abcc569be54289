package io.etl.core.sync;

import io.etl.core.copy.CopyText;
import io.etl.core.destination.Destination;
import io.etl.core.event.Row;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the lines one copy range reads from {@code COPY … TO STDOUT} into the chunks it hands
 * to the destination. A destination that loads COPY text itself gets the lines as they came
 * (nothing decoded, one buffer reused per range); any other gets them decoded into {@link Row}s.
 */
abstract sealed class CopyChunks {
  /** A chunk of COPY text is sent at this size even before it has {@code rowsPerWrite} rows. */
  static final int MAX_TEXT_BYTES = 4 * 1024 * 1024;

  final Destination destination;
  final TableSchema schema;
  final int rowsPerWrite;

  private CopyChunks(Destination destination, TableSchema schema, int rowsPerWrite) {
    this.destination = destination;
    this.schema = schema;
    this.rowsPerWrite = rowsPerWrite;
  }

  static CopyChunks of(Destination destination, TableSchema schema, int rowsPerWrite) {
    return destination.takesCopyText(schema)
        ? new Text(destination, schema, rowsPerWrite)
        : new Rows(destination, schema, rowsPerWrite);
  }

  /** Adds one line of COPY output; true when the chunk is full and should be written. */
  abstract boolean add(byte[] line);

  /** Writes what the chunk holds (if anything) and empties it; the number of rows written. */
  abstract int write();

  /** Lines passed on undecoded, newline-terminated as COPY FROM expects them. */
  static final class Text extends CopyChunks {
    private byte[] buffer = new byte[64 * 1024];
    private int length;
    private int rows;

    private Text(Destination destination, TableSchema schema, int rowsPerWrite) {
      super(destination, schema, rowsPerWrite);
    }

    @Override
    boolean add(byte[] line) {
      boolean terminated = line.length > 0 && line[line.length - 1] == '\n';
      int needed = length + line.length + (terminated ? 0 : 1);
      if (needed > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
      }
      System.arraycopy(line, 0, buffer, length, line.length);
      length += line.length;
      if (!terminated) {
        buffer[length++] = '\n';
      }
      rows++;
      return rows >= rowsPerWrite || length >= MAX_TEXT_BYTES;
    }

    @Override
    int write() {
      if (rows == 0) {
        return 0;
      }
      destination.writeCopyText(schema, buffer, length, rows);
      int written = rows;
      rows = 0;
      length = 0;
      return written;
    }
  }

  /** Lines decoded into rows of text values. */
  static final class Rows extends CopyChunks {
    private final int width;
    private List<Row> rows;

    private Rows(Destination destination, TableSchema schema, int rowsPerWrite) {
      super(destination, schema, rowsPerWrite);
      this.width = schema.columnCount();
      this.rows = new ArrayList<>(rowsPerWrite);
    }

    @Override
    boolean add(byte[] line) {
      rows.add(new Row(CopyText.parseLine(line, width)));
      return rows.size() >= rowsPerWrite;
    }

    @Override
    int write() {
      if (rows.isEmpty()) {
        return 0;
      }
      // a new list: the destination may keep the one it was given
      List<Row> chunk = rows;
      rows = new ArrayList<>(rowsPerWrite);
      destination.writeTableRows(schema, chunk);
      return chunk.size();
    }
  }
}
