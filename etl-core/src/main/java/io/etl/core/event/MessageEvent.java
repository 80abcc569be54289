package io.etl.core.event;

import io.etl.core.replication.Lsn;

/** A message written with {@code pg_logical_emit_message}. */
public record MessageEvent(Lsn lsn, boolean transactional, String prefix, byte[] content)
    implements Event {}
