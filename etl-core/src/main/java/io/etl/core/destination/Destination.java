package io.etl.core.destination;

import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * Where replicated data goes. Every method returns only once its effect is durable, and every
 * call must be safe to repeat after a crash: the pipeline replays from the last position the
 * source confirmed, which may be before what the destination already holds.
 *
 * <p>Implementations throw {@link io.etl.core.error.EtlException} classified as retryable or
 * fatal; anything else is treated as retryable.
 */
public interface Destination extends AutoCloseable {

  /** Checks that the destination is reachable and writable; called once at start-up. */
  void verify();

  /** Creates the destination table for {@code schema} if it does not exist yet. */
  void prepareTable(TableSchema schema);

  /** Removes every row of the table, e.g. before a copy starts over. */
  void truncateTable(TableSchema schema);

  /**
   * Appends copied rows. Called concurrently for different tables and for different ranges of
   * the same table.
   */
  void writeTableRows(TableSchema schema, List<Row> rows);

  /**
   * Whether {@link #writeCopyText} takes the source's {@code COPY … TO STDOUT} text of {@code
   * schema}'s table as it is, so the copy need not decode a single value: true for a destination
   * that loads the same text format itself.
   */
  default boolean takesCopyText(TableSchema schema) {
    return false;
  }

  /**
   * Appends copied rows given as {@code rows} newline-terminated lines of PostgreSQL's COPY text
   * format, in {@code schema}'s column order, in {@code text[0, length)}. Called only when {@link
   * #takesCopyText} said yes; otherwise as {@link #writeTableRows}.
   */
  default void writeCopyText(TableSchema schema, byte[] text, int length, int rows) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take COPY text");
  }

  /**
   * Applies a batch of replicated events in source order. The batch holds change events with
   * their {@code BeginEvent}/{@code CommitEvent} boundaries and may start or end inside a
   * transaction. {@code streamId} names the replication stream the batch came from (the apply
   * stream, or one table's catch-up stream); changes at or before {@link
   * #durablePosition(String)} of that stream must be skipped.
   *
   * @return what the destination can tell about the batch, e.g. changes that matched no row
   */
  WriteReport writeEvents(String streamId, List<Event> events);

  /**
   * The last position of {@code streamId} the destination holds durably, if it tracks one.
   * Destinations that cannot track positions return empty and must make replays harmless.
   */
  Optional<TxPosition> durablePosition(String streamId);

  @Override
  void close();
}
