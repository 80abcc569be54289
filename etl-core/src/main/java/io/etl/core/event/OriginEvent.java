package io.etl.core.event;

import io.etl.core.replication.Lsn;

/** The replication origin a transaction came from (only present for re-replicated changes). */
public record OriginEvent(Lsn originLsn, String name) implements Event {}
