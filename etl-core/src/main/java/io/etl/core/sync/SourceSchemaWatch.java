package io.etl.core.sync;

import io.etl.core.batch.SchemaWatch;
import io.etl.core.batch.TableNeedsCopy;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.SchemaDiff;
import io.etl.core.schema.TableSchema;
import io.etl.core.source.AddedColumnValues;
import io.etl.core.source.PostgresConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the relation a change arrives with against the shape the destination knows and turns
 * the difference into a {@link SchemaChangeEvent}. Added columns get the value the existing rows
 * hold from the source catalog; when that, or the difference itself, cannot be known for sure the
 * table is copied again ({@link TableNeedsCopy}). One instance per worker (not thread-safe).
 */
public final class SourceSchemaWatch implements SchemaWatch {
  private static final Logger log = LoggerFactory.getLogger(SourceSchemaWatch.class);

  private final TrackedSchemas tracked;
  private final PostgresConnector source;
  /** Relation messages already checked, by identity: the decoder makes one object per message. */
  private final Map<Integer, TableSchema> checked = new HashMap<>();

  public SourceSchemaWatch(TrackedSchemas tracked, PostgresConnector source) {
    this.tracked = tracked;
    this.source = source;
  }

  @Override
  public SchemaChangeEvent changeBefore(TableSchema relation) {
    int oid = relation.oid();
    if (checked.get(oid) == relation) {
      return null;
    }
    TableSchema known = tracked.current(oid);
    if (known == null) {
      checked.put(oid, relation);
      return null;
    }
    Optional<List<ColumnChange>> diff = SchemaDiff.between(known, relation);
    if (diff.isEmpty()) {
      throw new TableNeedsCopy(oid, "the columns of " + relation.id() + " changed from " + names(known) + " to "
          + names(relation) + ", a mix of renames and other changes that cannot be applied in place");
    }
    if (diff.get().isEmpty()) {
      checked.put(oid, relation);
      return null;
    }
    List<ColumnChange> changes = withExistingRowValues(relation, diff.get());
    SchemaChangeEvent event = new SchemaChangeEvent(known, relation, changes);
    log.info("table {}: schema change {}", relation.id(), changes);
    tracked.emitted(relation);
    checked.put(oid, relation);
    return event;
  }

  private List<ColumnChange> withExistingRowValues(TableSchema relation, List<ColumnChange> changes) {
    List<String> added = changes.stream()
        .filter(c -> c instanceof ColumnChange.Added).map(c -> ((ColumnChange.Added) c).column().name()).toList();
    if (added.isEmpty()) {
      return changes;
    }
    Map<String, Optional<String>> values;
    try (Connection c = source.open()) {
      values = new AddedColumnValues().read(c, relation.oid(), added);
    } catch (SQLException e) {
      throw source.errors().classify(e);
    }
    List<ColumnChange> filled = new ArrayList<>(changes.size());
    for (ColumnChange change : changes) {
      if (change instanceof ColumnChange.Added add) {
        Optional<String> value = values.get(add.column().name());
        if (value == null) {
          throw new TableNeedsCopy(relation.oid(), "column " + add.column().name() + " was added to " + relation.id()
              + " with a default the source does not stream (volatile, or the table was rewritten since)");
        }
        filled.add(new ColumnChange.Added(add.column(), value.orElse(null)));
      } else {
        filled.add(change);
      }
    }
    return filled;
  }

  private static List<String> names(TableSchema schema) {
    return schema.columns().stream().map(c -> c.name()).toList();
  }
}
