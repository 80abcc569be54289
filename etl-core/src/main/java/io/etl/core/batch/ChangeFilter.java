package io.etl.core.batch;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes on the changes a worker owns and the transaction boundaries around them. A transaction
 * none of whose changes pass leaves nothing behind, so the destination never sees empty
 * transactions.
 */
public final class ChangeFilter {

  /** Which changes pass: table OID and the commit LSN of the change's transaction. */
  @FunctionalInterface
  public interface Ownership {
    boolean owns(int tableOid, Lsn commitLsn);
  }

  private final Ownership ownership;
  private final SchemaWatch schemas;
  private BeginEvent pendingBegin;
  private boolean begun;

  public ChangeFilter(Ownership ownership) {
    this(ownership, SchemaWatch.NONE);
  }

  /** Also puts a schema change before the first change of a table whose shape changed. */
  public ChangeFilter(Ownership ownership, SchemaWatch schemas) {
    this.ownership = ownership;
    this.schemas = schemas;
  }

  /**
   * Adds {@code event} to {@code batch} if it passes; other message types are dropped.
   *
   * @throws TableNeedsCopy from the schema watch; nothing of {@code event} was added
   */
  public void accept(Event event, EventBatch batch) {
    if (event instanceof BeginEvent b) {
      pendingBegin = b;
      begun = false;
    } else if (event instanceof CommitEvent c) {
      if (begun) {
        batch.add(c);
      }
      pendingBegin = null;
      begun = false;
    } else if (event instanceof InsertEvent i) {
      pass(i.table(), i.position().commitLsn(), i, batch);
    } else if (event instanceof UpdateEvent u) {
      pass(u.table(), u.position().commitLsn(), u, batch);
    } else if (event instanceof DeleteEvent d) {
      pass(d.table(), d.position().commitLsn(), d, batch);
    } else if (event instanceof TruncateEvent t) {
      List<TableSchema> owned = new ArrayList<>(t.tables().size());
      for (TableSchema table : t.tables()) {
        if (ownership.owns(table.oid(), t.position().commitLsn())) {
          owned.add(table);
        }
      }
      if (!owned.isEmpty()) {
        begin(batch);
        batch.add(owned.size() == t.tables().size()
            ? t
            : new TruncateEvent(t.position(), owned, t.cascade(), t.restartIdentity()));
      }
    }
    // Relation, Type, Origin and Message carry nothing to write
  }

  private void pass(TableSchema table, Lsn commitLsn, Event change, EventBatch batch) {
    if (ownership.owns(table.oid(), commitLsn)) {
      SchemaChangeEvent schemaChange = schemas.changeBefore(table);
      begin(batch);
      if (schemaChange != null) {
        batch.add(schemaChange);
      }
      batch.add(change);
    }
  }

  private void begin(EventBatch batch) {
    if (!begun && pendingBegin != null) {
      batch.add(pendingBegin);
      begun = true;
    }
  }
}
