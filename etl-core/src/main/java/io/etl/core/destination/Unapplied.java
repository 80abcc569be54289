package io.etl.core.destination;

import io.etl.core.event.ChangeEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TxPosition;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a CDC batch a destination does not hold yet: the changes after the stream's
 * applied position, in order, and the position the destination holds once they are applied
 * (commits move it too, so a batch that ends with a commit records the whole transaction).
 * Schema changes always pass: they carry no position, and destinations apply them idempotently.
 */
public record Unapplied(List<Event> changes, TxPosition last) {

  public static Unapplied after(TxPosition applied, List<Event> events) {
    List<Event> changes = new ArrayList<>(events.size());
    TxPosition last = applied;
    for (Event event : events) {
      if (event instanceof SchemaChangeEvent) {
        changes.add(event);
        continue;
      }
      TxPosition position = event instanceof ChangeEvent change ? change.position()
          : event instanceof CommitEvent commit ? commit.position() : null;
      if (position == null || !position.isAfter(applied)) {
        continue;
      }
      last = position;
      if (event instanceof ChangeEvent change) {
        changes.add(change);
      }
    }
    return new Unapplied(changes, last);
  }

  /** Whether applying this batch moves the stream's position past {@code applied}. */
  public boolean advances(TxPosition applied) {
    return last.isAfter(applied);
  }
}
