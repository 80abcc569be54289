package io.etl.destinations.postgres;

import io.etl.core.batch.EventsOfOtherTables;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.copy.CopyText;
import io.etl.core.destination.Destination;
import io.etl.core.destination.TableOwnership;
import io.etl.core.destination.WriteReport;
import io.etl.core.destination.Unapplied;
import io.etl.core.error.EtlException;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.source.PostgresConnector;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Replicates into a PostgreSQL database, exactly once.
 *
 * <ul>
 *   <li>Tables are created like their source (see {@link TableDefinition}); copies arrive with
 *       {@code COPY FROM STDIN}.
 *   <li>Each CDC batch is one destination transaction that also records, in {@code
 *       etl.applied_positions}, the last source position it applied for its stream; a replay
 *       skips every change at or before it. Within the batch each table's changes are folded per
 *       primary key and sent as a few set-based statements (see {@link ChangeApplier}).
 *   <li>Tables without a primary key: inserts append; UPDATE and DELETE need REPLICA IDENTITY FULL
 *       on the source and change exactly one row equal to the old values; without it they fail
 *       with a message naming the fix.
 * </ul>
 */
public final class PostgresDestination implements Destination {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresDestination.class);
  private static final String SIDE = "destination";
  private final PostgresConnector connector;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final Map<TableId, DestinationTable> tables = new ConcurrentHashMap<>();
  private final String pipelineId;

  /** @param pipelineId the pipeline writing here: it creates, marks and only ever drops or empties its own tables */
  public PostgresDestination(PostgresConnectionConfig config, String password, String pipelineId) {
    this.connector = new PostgresConnector(SIDE, config, password, "etl-destination");
    this.pipelineId = pipelineId;
  }

  @Override
  public void verify() {
    withConnection(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT has_database_privilege(current_user, current_database(), 'CREATE')")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw EtlException.fatal("destination_permission_denied",
              "the destination role " + connector.config().user() + " may not create schemas in database "
                  + connector.config().database() + ".",
              "GRANT CREATE ON DATABASE " + TableId.quoteIdentifier(connector.config().database()) + " TO "
                  + TableId.quoteIdentifier(connector.config().user()) + ";", null);
        }
      }
      createBookkeeping(c);
      return null;
    });
  }

  /** Key of the advisory lock that serialises the bookkeeping DDL ("etl_dst"). */
  private static final long BOOKKEEPING_LOCK = 0x65746C5F647374L;

  /**
   * Schema {@code etl} and its tables, in one transaction under an advisory lock: pipelines that
   * share a destination database start at the same time, and concurrent {@code CREATE … IF NOT
   * EXISTS} of one object fails one of them with a unique violation instead of waiting.
   */
  private static void createBookkeeping(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + BOOKKEEPING_LOCK + ")");
      AppliedPositions.createTable(c);
      OwnedTables.createTable(c);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Creates the table like the source, marked as this pipeline's ({@link OwnedTables}), in one
   * transaction. A table of this pipeline left from an earlier copy with other columns (the source
   * changed in a way that made the pipeline copy the table again) is dropped first: the copy
   * replaces all its rows anyway. A table of that name that this pipeline did not create is never
   * touched: the source table goes errored instead.
   */
  @Override
  public void prepareTable(TableSchema schema) {
    String quoted = schema.id().quoted();
    withConnection(c -> {
      try (Statement s = c.createStatement()) {
        createSchema(s, schema);
        c.setAutoCommit(false);
        try {
          Optional<Long> existing = OwnedTables.oid(c, quoted);
          if (existing.isPresent()) {
            String owner = OwnedTables.owner(c, existing.get()).orElse(null);
            if (!pipelineId.equals(owner)) {
              throw TableOwnership.notOurs(schema.id(), schema.id().toString(), pipelineId, owner);
            }
            if (hasOtherColumns(c, schema)) {
              log.warn("destination table {} has other columns than the source; recreating it for the copy", schema.id());
              OwnedTables.release(c, existing.get());
              s.execute("DROP TABLE " + quoted);
              existing = Optional.empty();
            }
          }
          if (existing.isEmpty()) {
            for (String sql : TableDefinition.createStatements(schema)) {
              s.execute(sql);
            }
            OwnedTables.claim(c, OwnedTables.oid(c, quoted).orElseThrow(), quoted, pipelineId);
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
      tables.put(schema.id(), DestinationTable.read(c, schema.id()));
      return null;
    });
  }

  /**
   * Outside the table's transaction: two copies creating tables of one new schema at the same
   * time would otherwise collide on it (IF NOT EXISTS does not serialise concurrent creators).
   */
  private static void createSchema(Statement s, TableSchema schema) throws SQLException {
    try {
      s.execute(TableDefinition.createSchemaStatement(schema));
    } catch (SQLException e) {
      // 23505: the concurrent creator won; 42P06: the schema exists
      if (!"23505".equals(e.getSQLState()) && !"42P06".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static boolean hasOtherColumns(Connection c, TableSchema schema) throws SQLException {
    DestinationTable existing;
    try {
      existing = DestinationTable.read(c, schema.id());
    } catch (EtlException missing) {
      return false;
    }
    java.util.Set<String> wanted = schema.columns().stream().map(ColumnSchema::name).collect(Collectors.toSet());
    return !wanted.equals(java.util.Set.copyOf(existing.columns()));
  }

  /** Empties a table this pipeline created; one it did not create errors the source table instead. */
  @Override
  public void truncateTable(TableSchema schema) {
    String quoted = schema.id().quoted();
    withConnection(c -> {
      Optional<Long> oid = OwnedTables.oid(c, quoted);
      String owner = oid.isEmpty() ? null : OwnedTables.owner(c, oid.get()).orElse(null);
      if (oid.isPresent() && !pipelineId.equals(owner)) {
        throw TableOwnership.notOurs(schema.id(), schema.id().toString(), pipelineId, owner);
      }
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE " + quoted);
      }
      return null;
    });
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    copyIn(schema, copy -> {
      StringBuilder text = new StringBuilder(64 * 1024);
      for (Row row : rows) {
        CopyText.appendRow(text, row.values());
        if (text.length() >= 60 * 1024) {
          send(copy, text);
        }
      }
      send(copy, text);
    });
  }

  /**
   * Always: the typed path ends in the same text format too (values travel as text and the
   * server parses them into the destination column's type), so the source's COPY text, loaded as
   * it is, gives the same rows without decoding and re-encoding every value on the way.
   */
  @Override
  public boolean takesCopyText(TableSchema schema) {
    return true;
  }

  @Override
  public void writeCopyText(TableSchema schema, byte[] text, int length, int rows) {
    copyIn(schema, copy -> copy.writeToCopy(text, 0, length));
  }

  @FunctionalInterface
  private interface CopyWork {
    void run(CopyIn copy) throws SQLException;
  }

  /** One {@code COPY … FROM STDIN} into the table, in its own transaction, fed by {@code work}. */
  private void copyIn(TableSchema schema, CopyWork work) {
    String columns = schema.columns().stream().map(ColumnSchema::name).map(TableId::quoteIdentifier)
        .collect(Collectors.joining(", "));
    String sql = "COPY " + schema.id().quoted() + " (" + columns + ") FROM STDIN";
    withConnection(c -> {
      CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
      try {
        work.run(copy);
        copy.endCopy();
      } finally {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
      return null;
    });
  }

  private static void send(CopyIn copy, StringBuilder text) throws SQLException {
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    text.setLength(0);
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    // tables altered by this batch, as this transaction sees them; shared once committed
    Map<TableId, DestinationTable> altered = new HashMap<>();
    return withConnection(c -> {
      c.setAutoCommit(false);
      int tableOid = -1;
      try (ChangeApplier applier = new ChangeApplier(c, id -> altered.containsKey(id) ? altered.get(id) : table(id))) {
        TxPosition applied = AppliedPositions.readForUpdate(c, streamId).orElse(TxPosition.NONE);
        Unapplied unapplied = Unapplied.after(applied, events);
        try {
          for (Event event : unapplied.changes()) {
            tableOid = EventsOfOtherTables.tableOf(event);
            if (event instanceof InsertEvent insert) {
              applier.insert(insert);
            } else if (event instanceof UpdateEvent update) {
              applier.update(update);
            } else if (event instanceof DeleteEvent delete) {
              applier.delete(delete);
            } else if (event instanceof TruncateEvent truncate) {
              applier.truncate(truncate);
            } else if (event instanceof SchemaChangeEvent change) {
              applier.flush();
              altered.put(change.after().id(), SchemaMigration.apply(c, change));
            }
          }
          applier.flush();
        } catch (SQLException e) {
          throw pinned(connector.errors().classify(e), applier.failedTable().orElse(tableOid));
        } catch (EtlException e) {
          throw pinned(e, applier.failedTable().orElse(tableOid));
        }
        if (unapplied.advances(applied)) {
          AppliedPositions.write(c, streamId, unapplied.last());
        }
        c.commit();
        tables.putAll(altered);
        return applier.report();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        altered.keySet().forEach(tables::remove);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  /** A fatal failure while applying one table's change errors only that table. */
  private static EtlException pinned(EtlException e, int tableOid) {
    return e.isRetryable() || tableOid < 0 ? e : e.forTable(tableOid);
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    return withConnection(c -> AppliedPositions.read(c, streamId));
  }

  private DestinationTable table(TableId id) {
    return tables.computeIfAbsent(id, key -> withConnection(c -> DestinationTable.read(c, key)));
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection; a connection that failed is closed, not returned.
   * Failures come out classified (retryable or fatal) without the password.
   */
  private <T> T withConnection(SqlWork<T> work) {
    Connection c = idle.pollFirst();
    if (c == null) {
      c = connector.open();
    }
    boolean healthy = false;
    try {
      T result = work.run(c);
      healthy = true;
      return result;
    } catch (SQLException e) {
      throw connector.errors().classify(e);
    } finally {
      if (healthy) {
        idle.offerFirst(c);
      } else {
        closeQuietly(c);
      }
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is dropped after this anyway
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      closeQuietly(c);
    }
  }
}
