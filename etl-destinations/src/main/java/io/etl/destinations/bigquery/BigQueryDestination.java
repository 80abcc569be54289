package io.etl.destinations.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.protobuf.DynamicMessage;
import io.etl.core.batch.EventsOfOtherTables;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.TableOwnership;
import io.etl.core.destination.WriteReport;
import io.etl.core.destination.Unapplied;
import io.etl.core.error.EtlException;
import io.etl.core.event.ChangeEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.types.ValueDecoder;
import io.etl.core.types.ValueKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates into a BigQuery dataset through the Storage Write API.
 *
 * <ul>
 *   <li>Tables with a primary key get a BigQuery {@code PRIMARY KEY NOT ENFORCED} and the
 *       configured max_staleness; copied rows and every change are CDC records ({@code UPSERT} or
 *       {@code DELETE}) whose {@code _CHANGE_SEQUENCE_NUMBER} is the source position, so BigQuery
 *       keeps the latest version of each row whatever order records arrive in, and a replay
 *       changes nothing.
 *   <li>Tables without one are append-only: inserts are appended, and an UPDATE or DELETE fails
 *       the table with a fix (BigQuery cannot apply it without a key).
 *   <li>Each batch's changes go out per table in requests under the API limit on that table's
 *       reused default stream; TRUNCATE and schema changes first send what came before them.
 *   <li>The applied position of each stream is kept in {@code _etl_positions} (see {@link
 *       PositionTable}).
 * </ul>
 */
public final class BigQueryDestination implements Destination {
  private static final Logger log = LoggerFactory.getLogger(BigQueryDestination.class);

  private static final Set<ValueKind> VARIABLE_LENGTH =
      EnumSet.of(ValueKind.TEXT, ValueKind.BYTEA, ValueKind.JSON, ValueKind.ARRAY, ValueKind.UNKNOWN);

  private final BigQueryConfig config;
  private final BigQueryWriteClient writeClient;
  private final Dataset dataset;
  private final String pipelineId;
  private final TableStreams streams;
  private final PositionTable positions;
  private final TypeMapping mapping = new TypeMapping();
  private final ValueDecoder decoder = new ValueDecoder();
  private final Map<TableId, BigQueryTable> tables = new ConcurrentHashMap<>();
  private final Map<TableSchema, RowEncoder> encoders = new ConcurrentHashMap<>();
  private final Map<String, TxPosition> applied = new ConcurrentHashMap<>();

  /**
   * @param bigquery the BigQuery API client (tables, queries)
   * @param writeClient the Storage Write API client; closed with this destination
   * @param pipelineId the pipeline writing here: its tables carry it as label {@value TableDefinition#OWNER_LABEL},
   *     and only tables with that label are ever dropped or emptied
   */
  public BigQueryDestination(BigQueryConfig config, BigQuery bigquery, BigQueryWriteClient writeClient, String pipelineId) {
    this(config, bigquery, writeClient, pipelineId, TableStreams.apiRequestLimit());
  }

  BigQueryDestination(BigQueryConfig config, BigQuery bigquery, BigQueryWriteClient writeClient, String pipelineId,
      long maxRequestBytes) {
    this.config = config;
    this.pipelineId = pipelineId;
    this.writeClient = writeClient;
    BigQueryErrors errors = new BigQueryErrors(config.projectId(), config.datasetId());
    this.dataset = new Dataset(bigquery, config.projectId(), config.datasetId(), config.location(), errors);
    this.streams = new TableStreams(writeClient, config.projectId(), config.datasetId(), config.location(),
        maxRequestBytes, errors);
    this.positions = new PositionTable(dataset, streams);
  }

  @Override
  public void verify() {
    dataset.ensure(config.createDataset());
    positions.create();
  }

  /**
   * Creates the table, labelled as this pipeline's. One of this pipeline's left from an earlier
   * copy in another shape (the source changed in a way BigQuery could not follow, and the table
   * is being copied again) is dropped first: the copy replaces all its rows anyway. A table of
   * that name without this pipeline's label is never touched: the source table goes errored.
   */
  @Override
  public void prepareTable(TableSchema schema) {
    BigQueryTable wanted = TableDefinition.of(schema, mapping);
    String qualified = dataset.qualified(wanted.name());
    Optional<BigQueryTable> existing = dataset.table(wanted.name());
    if (existing.isPresent()) {
      requireOurs(schema, wanted.name());
    }
    if (existing.isPresent() && !sameShape(existing.get(), wanted)) {
      log.warn("BigQuery table {} has other columns or another key than {}; recreating it for the copy",
          wanted.name(), schema.id());
      streams.forget(wanted.name());
      dataset.run("DROP TABLE IF EXISTS " + qualified, "dropping table " + wanted.name());
    }
    dataset.run(TableDefinition.createStatement(qualified, wanted, config.maxStalenessMinutes(), pipelineId),
        "creating table " + wanted.name());
    tables.put(schema.id(), wanted);
    forgetEncoders(schema.id());
    warnIfToastCannotBeCarried(schema, wanted);
  }

  /** Says at the copy, not only at the first such UPDATE, which tables lack the identity the TOAST strategy needs. */
  private void warnIfToastCannotBeCarried(TableSchema schema, BigQueryTable table) {
    if (!table.keyed() || schema.replicaIdentity() == 'f') {
      return;
    }
    List<String> variableLength = schema.columns().stream()
        .filter(c -> VARIABLE_LENGTH.contains(decoder.registry().kindOf(c.typeOid())))
        .map(c -> c.name()).toList();
    if (!variableLength.isEmpty()) {
      log.warn("table {} has columns whose values PostgreSQL may store out of line ({}) and not REPLICA IDENTITY FULL:"
          + " an UPDATE that leaves such a value unchanged will error the table, because BigQuery replaces whole rows."
          + " Run ALTER TABLE {} REPLICA IDENTITY FULL on the source to avoid it.", schema.id(), variableLength,
          schema.id().quoted());
    }
  }

  private void forgetEncoders(TableId id) {
    encoders.keySet().removeIf(s -> s.id().equals(id));
  }

  private static boolean sameShape(BigQueryTable existing, BigQueryTable wanted) {
    return existing.columns().equals(wanted.columns()) && existing.keyColumns().equals(wanted.keyColumns());
  }

  /** Empties a table of this pipeline's; one without its label errors the source table instead. */
  @Override
  public void truncateTable(TableSchema schema) {
    String name = BigQueryNames.table(schema.id());
    if (dataset.table(name).isPresent()) {
      requireOurs(schema, name);
    }
    dataset.run("TRUNCATE TABLE " + dataset.qualified(name), "truncating table " + name);
  }

  private void requireOurs(TableSchema schema, String name) {
    String owner = dataset.labels(name).get(TableDefinition.OWNER_LABEL);
    if (!pipelineId.equals(owner)) {
      throw TableOwnership.notOurs(schema.id(), config.projectId() + "." + config.datasetId() + "." + name, pipelineId, owner);
    }
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    BigQueryTable table = table(schema.id());
    RowEncoder encoder = encoder(schema, table);
    List<DynamicMessage> messages = new ArrayList<>(rows.size());
    for (Row row : rows) {
      // copied rows sit below every streamed change of the table
      messages.add(table.keyed() ? encoder.change(row, ChangeType.UPSERT, ChangeSequence.COPY) : encoder.append(row));
    }
    streams.append(table.name(), encoder.protoSchema(), messages);
  }

  /** BigQuery applies UPSERT and DELETE records by key without saying whether a row matched: no report. */
  @Override
  public synchronized WriteReport writeEvents(String streamId, List<Event> events) {
    TxPosition before = appliedPosition(streamId);
    Unapplied unapplied = Unapplied.after(before, events);
    PendingRows pending = new PendingRows();
    for (Event event : unapplied.changes()) {
      try {
        if (event instanceof SchemaChangeEvent change) {
          pending.send(change.before().id());
          applySchemaChange(change);
        } else if (event instanceof TruncateEvent truncate) {
          for (TableSchema t : truncate.tables()) {
            pending.send(t.id());
            truncateTable(t);
          }
        } else if (event instanceof ChangeEvent change) {
          pending.add(change);
        }
      } catch (EtlException e) {
        throw pinned(e, event);
      }
    }
    pending.sendAll();
    if (unapplied.advances(before)) {
      positions.write(streamId, unapplied.last());
      applied.put(streamId, unapplied.last());
    }
    return WriteReport.NONE;
  }

  private static EtlException pinned(EtlException e, Event event) {
    if (e.isRetryable()) {
      return e;
    }
    int oid = event instanceof SchemaChangeEvent change ? change.oid()
        : event instanceof TruncateEvent t ? t.tables().get(0).oid()
        : EventsOfOtherTables.tableOf(event);
    return oid < 0 ? e : e.forTable(oid);
  }

  /** A batch's rows per table, sent table by table; each table's records keep their order. */
  private final class PendingRows {
    private record TableRows(BigQueryTable table, RowEncoder encoder, List<DynamicMessage> rows, int oid) {}

    private final Map<TableId, TableRows> byTable = new LinkedHashMap<>();

    void add(ChangeEvent change) {
      TableSchema schema = tableOf(change);
      BigQueryTable table = table(schema.id());
      RowEncoder encoder = encoder(schema, table);
      TableRows rows = byTable.get(schema.id());
      if (rows != null && rows.encoder() != encoder) {
        send(schema.id());
        rows = null;
      }
      if (rows == null) {
        rows = new TableRows(table, encoder, new ArrayList<>(), schema.oid());
        byTable.put(schema.id(), rows);
      }
      if (!table.keyed()) {
        if (!(change instanceof InsertEvent insert)) {
          throw EtlException.fatal("destination_no_primary_key",
              "an UPDATE or DELETE of " + schema.id() + " cannot be applied in BigQuery: the table has no primary key,"
                  + " and BigQuery applies changes by key.",
              "add a primary key to " + schema.id().quoted() + " on the source, then retry the table (it is copied"
                  + " again).",
              null).forTable(schema.oid());
        }
        rows.rows().add(encoder.append(insert.newRow()));
        return;
      }
      for (ChangeRecord record : ChangeRecords.of(change, table.keyColumns())) {
        rows.rows().add(encoder.change(record.row(), record.type(), record.sequenceNumber()));
      }
    }

    void send(TableId id) {
      TableRows rows = byTable.remove(id);
      if (rows != null) {
        try {
          streams.append(rows.table().name(), rows.encoder().protoSchema(), rows.rows());
        } catch (EtlException e) {
          throw e.isRetryable() ? e : e.forTable(rows.oid());
        }
      }
    }

    void sendAll() {
      for (TableId id : new ArrayList<>(byTable.keySet())) {
        send(id);
      }
    }
  }

  private static TableSchema tableOf(ChangeEvent change) {
    if (change instanceof InsertEvent e) {
      return e.table();
    }
    if (change instanceof UpdateEvent e) {
      return e.table();
    }
    if (change instanceof DeleteEvent e) {
      return e.table();
    }
    throw new IllegalArgumentException("not a row change: " + change.getClass().getSimpleName());
  }

  private void applySchemaChange(SchemaChangeEvent change) {
    BigQueryTable current = dataset.table(BigQueryNames.table(change.before().id()))
        .orElseGet(() -> table(change.before().id()));
    String qualified = dataset.qualified(current.name());
    List<String> statements = SchemaChangePlan.statements(change, current, qualified, mapping);
    if (!statements.isEmpty()) {
      streams.forget(current.name());
    }
    for (String sql : statements) {
      log.info("BigQuery table {}: {}", current.name(), sql);
      dataset.run(sql, "changing the columns of table " + current.name());
    }
    tables.remove(change.before().id());
    tables.remove(change.after().id());
    forgetEncoders(change.before().id());
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    TxPosition position = appliedPosition(streamId);
    return position == TxPosition.NONE ? Optional.empty() : Optional.of(position);
  }

  private TxPosition appliedPosition(String streamId) {
    TxPosition known = applied.get(streamId);
    if (known != null) {
      return known;
    }
    TxPosition read = positions.read(streamId).orElse(TxPosition.NONE);
    applied.put(streamId, read);
    return read;
  }

  /** The table as BigQuery has it; read once, then kept until a schema change of it. */
  private BigQueryTable table(TableId id) {
    return tables.computeIfAbsent(id, key -> dataset.table(BigQueryNames.table(key)).orElseThrow(() ->
        EtlException.fatal("destination_not_found",
            "BigQuery table " + config.datasetId() + "." + BigQueryNames.table(key) + " for " + key + " does not exist.",
            "retry the table: it is created and copied again.", null)));
  }

  private RowEncoder encoder(TableSchema schema, BigQueryTable table) {
    return encoders.computeIfAbsent(schema, s -> new RowEncoder(s, table.keyed(), mapping, decoder));
  }

  @Override
  public void close() {
    streams.close();
    writeClient.close();
  }
}
