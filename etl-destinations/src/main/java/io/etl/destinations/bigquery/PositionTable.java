package io.etl.destinations.bigquery;

import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.types.BuiltinType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last source position applied per replication stream, in the dataset's {@code _etl_positions}
 * table. It is written through the Storage Write API as a CDC UPSERT after the batch's rows were
 * acknowledged, with the position itself as sequence number, so an older position never replaces
 * a newer one. The table has no max_staleness, so reading it merges every written position.
 *
 * <p>BigQuery has no transaction spanning the rows and the position: a crash between the two
 * replays the batch. Replayed changes to tables with a primary key carry their original sequence
 * numbers and change nothing; rows appended to tables without one are appended again.
 */
final class PositionTable {
  static final TableSchema SCHEMA = new TableSchema(0, new TableId("etl", "positions"), List.of(
      new ColumnSchema("stream_id", BuiltinType.TEXT.oid(), -1, "text", false, true),
      new ColumnSchema("commit_lsn", BuiltinType.INT8.oid(), -1, "bigint", false, false),
      new ColumnSchema("ordinal", BuiltinType.INT8.oid(), -1, "bigint", false, false)), 'd');

  private final Dataset dataset;
  private final TableStreams streams;
  private final RowEncoder encoder;

  PositionTable(Dataset dataset, TableStreams streams) {
    this.dataset = dataset;
    this.streams = streams;
    this.encoder = new RowEncoder(SCHEMA, true, new TypeMapping(), new io.etl.core.types.ValueDecoder());
  }

  void create() {
    BigQueryTable table = new BigQueryTable(BigQueryNames.POSITIONS_TABLE, orderedColumns(), List.of("stream_id"));
    dataset.run(TableDefinition.createStatement(dataset.qualified(table.name()), table, 0, null),
        "creating table " + table.name());
  }

  private static Map<String, String> orderedColumns() {
    Map<String, String> columns = new java.util.LinkedHashMap<>();
    columns.put("stream_id", "STRING");
    columns.put("commit_lsn", "INT64");
    columns.put("ordinal", "INT64");
    return columns;
  }

  Optional<TxPosition> read(String streamId) {
    // BigQuery keeps one row per stream (the UPSERT with the highest position wins); the ORDER BY
    // asks for that same row wherever the records have not been merged (an emulator appends them)
    Optional<FieldValueList> row = Dataset.first(dataset.run(
        "SELECT commit_lsn, ordinal FROM " + dataset.qualified(BigQueryNames.POSITIONS_TABLE) + " WHERE stream_id = @stream"
            + " ORDER BY commit_lsn DESC, ordinal DESC LIMIT 1",
        Map.of("stream", QueryParameterValue.string(streamId)), "reading the position of stream " + streamId));
    return row.map(r -> new TxPosition(new Lsn(r.get("commit_lsn").getLongValue()), r.get("ordinal").getLongValue()));
  }

  void write(String streamId, TxPosition position) {
    Row row = Row.of(streamId, Long.toString(position.commitLsn().value()), Long.toString(position.ordinal()));
    streams.append(BigQueryNames.POSITIONS_TABLE, encoder.protoSchema(),
        List.of(encoder.change(row, ChangeType.UPSERT, ChangeSequence.of(position))));
  }
}
