package io.etl.core.event;

import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.TableSchema;
import java.util.List;

/**
 * A table's columns changed on the source; the destination must apply {@code changes} before
 * the next change of the table (which already has the new shape). Destinations apply it so that
 * repeating it (a replay after a crash) changes nothing.
 */
public record SchemaChangeEvent(TableSchema before, TableSchema after, List<ColumnChange> changes) implements Event {

  public SchemaChangeEvent {
    changes = List.copyOf(changes);
  }

  public int oid() {
    return after.oid();
  }
}
