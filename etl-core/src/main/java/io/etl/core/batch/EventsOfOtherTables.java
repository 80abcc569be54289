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
      } else if (tableOf(event) != oid) {
        kept.add(event);
      }
    }
    return kept;
  }

  /** The OID of the table an event changes (a truncate's first table); -1 for boundaries and messages. */
  public static int tableOf(Event event) {
    if (event instanceof InsertEvent i) {
      return i.table().oid();
    } else if (event instanceof UpdateEvent u) {
      return u.table().oid();
    } else if (event instanceof DeleteEvent d) {
      return d.table().oid();
    } else if (event instanceof TruncateEvent t) {
      return t.tables().get(0).oid();
    } else if (event instanceof SchemaChangeEvent s) {
      return s.oid();
    }
    return -1;
  }
}
