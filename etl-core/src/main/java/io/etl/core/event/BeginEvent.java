package io.etl.core.event;

import io.etl.core.replication.Lsn;
import java.time.Instant;

/** Start of a transaction; {@code finalLsn} is the LSN of its commit record. */
public record BeginEvent(Lsn finalLsn, Instant commitTime, long xid) implements Event {}
