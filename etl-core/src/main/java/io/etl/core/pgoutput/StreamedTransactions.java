package io.etl.core.pgoutput;

import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions pgoutput streams before they commit (protocol version 2), each spooled to its
 * own file in a directory that belongs to one replication stream. Stream blocks of different
 * transactions may interleave with each other and with whole transactions; a spool lives from
 * the first block of its transaction to its Stream Commit (then it is replayed) or Stream Abort.
 *
 * <p>Nothing spooled is ever confirmed to the server, so a restart gets every uncommitted
 * transaction streamed again from its first change: the directory is emptied when a stream
 * starts and removed when it closes. Not thread-safe.
 */
public final class StreamedTransactions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamedTransactions.class);

  private final Path directory;
  private final long maxBytes;
  private final EtlMetrics metrics;
  private final Map<Long, TransactionSpool> spools = new HashMap<>();
  /** What the spools of {@link #spools} hold together, kept as they change: checked on every append. */
  private long spooledBytes;
  private TransactionSpool current;
  /** The spool of the last committed transaction, being replayed (until it closes itself). */
  private SpoolReplay replaying;

  /**
   * Takes {@code directory} over, deleting whatever an earlier stream left in it.
   *
   * @param maxBytes the most the transactions in flight may spool together ({@code replication.maxSpoolBytes})
   */
  public StreamedTransactions(Path directory, long maxBytes) {
    this(directory, maxBytes, EtlMetrics.noop());
  }

  /** As {@link #StreamedTransactions(Path, long)}, exporting what is spooled as {@code etl_spool_bytes}. */
  public StreamedTransactions(Path directory, long maxBytes, EtlMetrics metrics) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    metrics.spoolBytes(0);
    metrics.spoolMaxBytes(maxBytes);
    try {
      Files.createDirectories(directory);
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory)) {
        for (Path file : leftovers) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw spoolFailure("prepare the spool directory " + directory, e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** True while some streamed transaction has neither committed nor aborted. */
  public boolean anyUncommitted() {
    return !spools.isEmpty();
  }

  /** Stream Start: the messages up to Stream Stop belong to top-level transaction {@code xid}. */
  void startBlock(long xid, boolean firstSegment) {
    if (current != null) {
      throw new IllegalStateException("pgoutput Stream Start for xid " + xid + " inside the stream block of xid "
          + current.xid());
    }
    TransactionSpool spool = spools.get(xid);
    try {
      if (spool == null || firstSegment) {
        if (!firstSegment) {
          throw new IllegalStateException("pgoutput streams a later segment of transaction " + xid
              + " whose first segment this stream never received; restart the stream from the last confirmed position");
        }
        if (spool != null) {
          spooled(-spool.size());
          spool.delete();
        }
        spool = TransactionSpool.create(xid, directory);
        spools.put(xid, spool);
      }
      spool.open();
    } catch (IOException e) {
      throw spoolFailure("open a spool file in " + directory, e);
    }
    current = spool;
  }

  /** Stream Stop. */
  void endBlock() {
    TransactionSpool spool = requireBlock();
    current = null;
    try {
      spool.close();
    } catch (IOException e) {
      throw spoolFailure("write the spool file " + spool.file(), e);
    }
  }

  /** Top-level xid of the open stream block. */
  long blockXid() {
    return requireBlock().xid();
  }

  /** Appends a message of the open block; {@code changeXid} is the (sub)transaction it names. */
  void append(long changeXid, byte kind, ByteBuffer body) {
    TransactionSpool spool = requireBlock();
    long adding = Integer.BYTES + 1L + body.remaining();
    if (spooledBytes + adding > maxBytes) {
      throw spoolFull(spool);
    }
    try {
      long before = spool.size();
      spool.append(changeXid, kind, body);
      spooled(spool.size() - before);
    } catch (IOException e) {
      throw spoolFailure("write the spool file " + spool.file(), e);
    }
  }

  /**
   * Stream Commit: the transaction's messages, to be replayed now; null when none was spooled
   * (a transaction whose stream blocks carried nothing).
   */
  SpoolReplay commit(long xid) {
    requireNoBlock('c');
    TransactionSpool spool = spools.remove(xid);
    if (spool == null) {
      return null;
    }
    spooled(-spool.size());
    try {
      replaying = spool.replay();
      return replaying;
    } catch (IOException e) {
      throw spoolFailure("read the spool file " + spool.file(), e);
    }
  }

  /**
   * Stream Abort: of the top-level transaction ({@code subxid == xid}) drops its spool; of a
   * subtransaction, the changes it made.
   */
  void abort(long xid, long subxid) {
    requireNoBlock('A');
    TransactionSpool spool = spools.get(xid);
    if (spool == null) {
      return;
    }
    try {
      long before = spool.size();
      if (subxid == xid) {
        spools.remove(xid);
        spool.delete();
        spooled(-before);
      } else {
        spool.abortSubtransaction(subxid);
        spooled(spool.size() - before);
      }
    } catch (IOException e) {
      throw spoolFailure("cut back the spool file " + spool.file(), e);
    }
  }

  /** Deletes every spool and the directory; what cannot be deleted is logged and left. */
  @Override
  public void close() {
    current = null;
    try {
      if (replaying != null) {
        replaying.close();
        replaying = null;
      }
      for (TransactionSpool spool : spools.values()) {
        spool.delete();
      }
      spools.clear();
      spooledBytes = 0;
      metrics.spoolBytes(0);
      metrics.spoolMaxBytes(0);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      log.warn("could not remove the spool files in {} ({}); the next start empties it", directory, e.toString());
    }
  }

  private void spooled(long delta) {
    spooledBytes += delta;
    metrics.spoolBytes(spooledBytes);
  }

  /**
   * Retried like a full disk: the transaction may yet abort, or the limit be raised; meanwhile
   * /readyz and /status say which transaction needs how much.
   */
  private EtlException spoolFull(TransactionSpool spool) {
    return EtlException.retryable(
        "spool_full",
        "the source transaction " + spool.xid() + " (streamed before its commit) would take the spool of "
            + directory + " past replication.maxSpoolBytes (" + maxBytes + " bytes, " + spools.size()
            + " transaction(s) in flight holding " + spooledBytes + ")",
        "raise replication.maxSpoolBytes, and the space of the spool directory's volume with it, or set"
            + " replication.streaming: false to let the source server hold such transactions until they commit",
        null);
  }

  static EtlException spoolFailure(String action, IOException e) {
    return EtlException.retryable(
        "spool_io",
        "could not " + action + " for a transaction the source streams before it commits: " + e,
        "make sure replication.spoolDirectory is writable and has room for the largest source transaction"
            + " (or set replication.streaming: false)",
        e);
  }

  private TransactionSpool requireBlock() {
    if (current == null) {
      throw new IllegalStateException("pgoutput stream message outside a stream block (no Stream Start before it)");
    }
    return current;
  }

  private void requireNoBlock(char kind) {
    if (current != null) {
      throw new IllegalStateException("pgoutput '" + kind + "' message inside the stream block of xid "
          + current.xid() + " (no Stream Stop before it)");
    }
  }
}
