package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.destination.ForwardingDestination;
import io.etl.core.destination.WriteReport;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import java.util.List;

/**
 * A destination passed through unchanged that notices when the insert of the marker row has been
 * written (the write returned, so it is durable): the end of a streamed backlog, for
 * destinations that cannot be asked what they hold (discard).
 */
final class MarkerWatch extends ForwardingDestination {
  private volatile boolean markerWritten;

  MarkerWatch(Destination target) {
    super(target);
  }

  boolean markerWritten() {
    return markerWritten;
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    WriteReport report = super.writeEvents(streamId, events);
    for (Event event : events) {
      if (event instanceof InsertEvent insert && insert.table().id().name().equals(SourceData.MARKER_TABLE)) {
        markerWritten = true;
      }
    }
    return report;
  }
}
