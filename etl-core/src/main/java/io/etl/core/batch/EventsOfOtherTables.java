package io.etl.core.batch;

import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/** A batch without the events of one table (one that just errored), boundaries kept. */
public final class EventsOfOtherTables {
  private EventsOfOtherTables() {}

  public static List<Event> without(List<Event> events, int oid) {
    List<Event> kept = new ArrayList<>(events.size());
    for (Event event : events) {
      if (event instanceof TruncateEvent t) {
        List<TableSchema> others = t.tables().stream().filter(table -> table.oid() != oid).toList();
        if (!others.isEmpty()) {
          kept.add(others.size() == t.tables().size() ? t
              : new TruncateEvent(t.position(), others, t.cascade(), t.restartIdentity()));
        }
      } else if (!belongsTo(event, oid)) {
        kept.add(event);
      }
    }
    return kept;
  }

  private static boolean belongsTo(Event event, int oid) {
    return event instanceof InsertEvent i && i.table().oid() == oid
        || event instanceof UpdateEvent u && u.table().oid() == oid
        || event instanceof DeleteEvent d && d.table().oid() == oid
        || event instanceof SchemaChangeEvent s && s.oid() == oid;
  }
}
