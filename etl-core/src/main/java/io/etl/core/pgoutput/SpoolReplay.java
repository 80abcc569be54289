package io.etl.core.pgoutput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a {@link TransactionSpool}'s file back one message at a time, so a transaction of any
 * size replays in the memory of its largest message. Closing it deletes the file.
 */
final class SpoolReplay implements AutoCloseable {
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final Path file;
  private final FileChannel channel;
  private ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();

  SpoolReplay(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
  }

  Path file() {
    return file;
  }

  /**
   * The next message, valid until the next call; null at the end of the file.
   *
   * @throws IOException also when the file ends inside a record
   */
  ByteBuffer next() throws IOException {
    if (!fill(Integer.BYTES)) {
      if (buffer.hasRemaining()) {
        throw new IOException("spool file " + file + " ends inside a record header");
      }
      return null;
    }
    int length = buffer.getInt();
    if (length < 1) {
      throw new IOException("spool file " + file + " holds a record of " + length + " bytes");
    }
    if (length > buffer.capacity()) {
      ByteBuffer larger = ByteBuffer.allocate(length);
      larger.put(buffer).flip();
      buffer = larger;
    }
    if (!fill(length)) {
      throw new IOException("spool file " + file + " ends inside a record of " + length + " bytes");
    }
    ByteBuffer message = buffer.slice(buffer.position(), length);
    buffer.position(buffer.position() + length);
    return message;
  }

  /** Makes at least {@code bytes} readable; false when the file ends first. */
  private boolean fill(int bytes) throws IOException {
    while (buffer.remaining() < bytes) {
      buffer.compact();
      int read = channel.read(buffer);
      buffer.flip();
      if (read < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
