package io.etl.core.event;

import io.etl.core.schema.TableSchema;

/** A row-level change (or a truncate) inside a transaction. */
public sealed interface ChangeEvent extends Event
    permits InsertEvent, UpdateEvent, DeleteEvent, TruncateEvent {

  TxPosition position();
}
