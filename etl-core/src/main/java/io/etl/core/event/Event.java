package io.etl.core.event;

/** A decoded logical-replication message. */
public sealed interface Event
    permits BeginEvent, CommitEvent, RelationEvent, TypeEvent, OriginEvent, MessageEvent, ChangeEvent,
        SchemaChangeEvent {

  /** Rough heap footprint, used to bound batches by bytes. */
  default long estimatedBytes() {
    return 64;
  }
}
