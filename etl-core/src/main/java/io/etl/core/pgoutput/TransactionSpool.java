package io.etl.core.pgoutput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages of one streamed transaction that has not committed yet, in a file. Each record
 * is an Int32 length and a pgoutput protocol 1 message (the stream's xid taken out), so a replay
 * decodes them like the messages of any other transaction.
 *
 * <p>A subtransaction's changes start at the offset of its first change. When it aborts (ROLLBACK
 * TO SAVEPOINT) the file is cut back to that offset; subtransactions that appeared after it were
 * nested in it, so their changes go too. Not thread-safe.
 */
final class TransactionSpool {
  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  private final long xid;
  private final Path file;
  /** Subtransaction xid → file offset of its first change, in the order they first appeared. */
  private final Map<Long, Long> subtransactionStarts = new LinkedHashMap<>();

  private long lastSubtransaction;
  private long size;
  private FileChannel channel;
  private ByteBuffer pending;

  private TransactionSpool(long xid, Path file) {
    this.xid = xid;
    this.file = file;
  }

  /** A new, empty spool; an older file for the same xid is emptied. */
  static TransactionSpool create(long xid, Path directory) throws IOException {
    TransactionSpool spool = new TransactionSpool(xid, directory.resolve("xid-" + xid + ".spool"));
    Files.newByteChannel(spool.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING).close();
    return spool;
  }

  long xid() {
    return xid;
  }

  Path file() {
    return file;
  }

  /** Bytes spooled so far, including those not yet written out. */
  long size() {
    return size;
  }

  boolean isOpen() {
    return channel != null;
  }

  /** Opens the file for appending; called at each Stream Start of this transaction. */
  void open() throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.WRITE);
    channel.position(size);
    pending = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
  }

  /**
   * Appends message {@code kind} whose fields (after the xid) are {@code body}'s remaining bytes.
   * {@code changeXid} is the (sub)transaction the message says it belongs to.
   */
  void append(long changeXid, byte kind, ByteBuffer body) throws IOException {
    if (changeXid != xid && changeXid != lastSubtransaction) {
      subtransactionStarts.putIfAbsent(changeXid, size);
      lastSubtransaction = changeXid;
    }
    int length = 1 + body.remaining();
    if (pending.remaining() < Integer.BYTES + 1) {
      writePending();
    }
    pending.putInt(length).put(kind);
    if (body.remaining() > pending.remaining()) {
      writePending();
    }
    if (body.remaining() <= pending.remaining()) {
      pending.put(body);
    } else {
      while (body.hasRemaining()) {
        channel.write(body);
      }
    }
    size += Integer.BYTES + length;
  }

  /** Writes what is buffered and closes the file; called at each Stream Stop. */
  void close() throws IOException {
    if (channel == null) {
      return;
    }
    try {
      writePending();
    } finally {
      channel.close();
      channel = null;
      pending = null;
    }
  }

  /**
   * Drops the changes of subtransaction {@code subxid} and of every subtransaction nested in it.
   * A subtransaction that sent no change has nothing to drop.
   */
  void abortSubtransaction(long subxid) throws IOException {
    Long start = null;
    for (Iterator<Map.Entry<Long, Long>> it = subtransactionStarts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> entry = it.next();
      if (start == null && entry.getKey() == subxid) {
        start = entry.getValue();
      }
      if (start != null) {
        it.remove();
      }
    }
    if (start == null) {
      return;
    }
    boolean wasOpen = isOpen();
    close();
    try (FileChannel truncating = FileChannel.open(file, StandardOpenOption.WRITE)) {
      truncating.truncate(start);
    }
    size = start;
    lastSubtransaction = 0;
    if (wasOpen) {
      open();
    }
  }

  /** Reads the spooled messages back, in order; the replay deletes the file when closed. */
  SpoolReplay replay() throws IOException {
    close();
    return new SpoolReplay(file);
  }

  void delete() throws IOException {
    try {
      close();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private void writePending() throws IOException {
    pending.flip();
    while (pending.hasRemaining()) {
      channel.write(pending);
    }
    pending.clear();
  }
}
