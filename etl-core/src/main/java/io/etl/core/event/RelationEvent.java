package io.etl.core.event;

import io.etl.core.schema.TableSchema;

/**
 * The server's description of a table, sent before the first change to it in a session and
 * again after its schema changed. Column {@code primaryKey} flags mark the replica identity.
 */
public record RelationEvent(TableSchema schema) implements Event {}
