package io.etl.core.event;

import io.etl.core.schema.TableSchema;
import java.util.List;

/** A TRUNCATE of one or more tables (pgoutput lists the tables a CASCADE reached too). */
public record TruncateEvent(
    TxPosition position, List<TableSchema> tables, boolean cascade, boolean restartIdentity)
    implements ChangeEvent {}
