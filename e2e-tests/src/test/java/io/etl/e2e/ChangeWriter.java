package io.etl.e2e;

import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps changing table {@code orders (id bigint primary key, customer_id bigint, amount numeric)}
 * of a source database while a scenario runs: each transaction inserts a few rows, updates one and
 * deletes one, so the copy races with changes and the stream carries all three kinds. Bounded: it
 * stops by itself after {@link #LIMIT} and never writes faster than one transaction per 20 ms.
 */
final class ChangeWriter implements AutoCloseable {
  static final Duration LIMIT = Duration.ofMinutes(10);

  private final Thread thread;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stop;

  private ChangeWriter(PostgresServer server, String database, long firstId) {
    thread = new Thread(() -> run(server, database, firstId), "change-writer-" + database);
    thread.setDaemon(true);
  }

  /** Starts writing; inserted ids start at {@code firstId}, so they never meet the ids a test inserts itself. */
  static ChangeWriter start(PostgresServer server, String database, long firstId) {
    ChangeWriter writer = new ChangeWriter(server, database, firstId);
    writer.thread.start();
    return writer;
  }

  private void run(PostgresServer server, String database, long firstId) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    long next = firstId;
    try (Connection c = server.connect(database); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (!stop && System.nanoTime() < deadline) {
        long id = next;
        next += 3;
        s.execute("INSERT INTO orders VALUES (" + id + ", 1, 1.00), (" + (id + 1) + ", 2, 2.00), (" + (id + 2) + ", 3, 3.00)");
        long some = 1 + ThreadLocalRandom.current().nextLong(500);
        s.execute("UPDATE orders SET amount = amount + 0.01 WHERE id = " + some);
        s.execute("DELETE FROM orders WHERE id = " + (id + 1));
        c.commit();
        transactions.incrementAndGet();
        Thread.sleep(20);
      }
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long transactions() {
    return transactions.get();
  }

  /** Stops after the transaction in progress and fails if writing failed. */
  @Override
  public void close() {
    stop = true;
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw new AssertionError("the change writer failed after " + transactions() + " transactions", failure.get());
    }
  }
}
