package io.etl.core.sync;

import io.etl.core.config.TableSyncConfig;
import io.etl.core.copy.CopyText;
import io.etl.core.destination.Destination;
import io.etl.core.event.Row;
import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.source.PostgresConnector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Copies one table under an exported snapshot. A table of at least {@code parallelMinPages}
 * pages is split into ctid ranges, each copied on its own connection that imports the same
 * snapshot, so the ranges together are exactly the snapshot's rows.
 */
final class TableCopier {
  private final PostgresConnector source;
  private final Destination destination;
  private final TableSyncConfig config;
  private final TableStates tables;
  private final EtlMetrics metrics;

  TableCopier(PostgresConnector source, Destination destination, TableSyncConfig config, TableStates tables, EtlMetrics metrics) {
    this.source = source;
    this.destination = destination;
    this.config = config;
    this.tables = tables;
    this.metrics = metrics;
  }

  /** Copies every row visible in {@code snapshotName}; returns the number of rows. */
  long copy(TableSchema schema, String snapshotName) throws SQLException, InterruptedException {
    List<String> ranges = ctidRanges(schema);
    if (ranges.size() == 1) {
      return copyRange(schema, snapshotName, ranges.get(0));
    }
    ExecutorService pool = Executors.newFixedThreadPool(ranges.size(), r -> {
      Thread t = new Thread(r, "copy-" + schema.id().name());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Long>> parts = new ArrayList<>();
      for (String range : ranges) {
        parts.add(pool.submit(() -> copyRange(schema, snapshotName, range)));
      }
      long rows = 0;
      for (Future<Long> part : parts) {
        rows += part.get();
      }
      return rows;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException s) {
        throw s;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** WHERE clauses splitting the table's current pages into ranges; the last one is open-ended. */
  private List<String> ctidRanges(TableSchema schema) throws SQLException {
    long pages;
    try (Connection c = source.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT pg_relation_size(?::oid) / current_setting('block_size')::bigint")) {
      ps.setInt(1, schema.oid());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        pages = rs.getLong(1);
      }
    }
    int n = pages >= config.parallelMinPages() ? config.rangesPerTable() : 1;
    List<String> ranges = new ArrayList<>(n);
    if (n == 1) {
      ranges.add("");
      return ranges;
    }
    long step = pages / n;
    for (int i = 0; i < n; i++) {
      long from = i * step;
      long to = (i + 1) * step;
      StringBuilder where = new StringBuilder(" WHERE ");
      if (i > 0) {
        where.append("ctid >= '(").append(from).append(",0)'::tid");
      }
      if (i < n - 1) {
        where.append(i > 0 ? " AND " : "").append("ctid < '(").append(to).append(",0)'::tid");
      }
      ranges.add(where.toString());
    }
    return ranges;
  }

  private long copyRange(TableSchema schema, String snapshotName, String where) throws SQLException {
    TableId id = schema.id();
    String columns =
        schema.columns().stream().map(ColumnSchema::name).map(TableId::quoteIdentifier).collect(Collectors.joining(", "));
    String sql = "COPY (SELECT " + columns + " FROM " + id.quoted() + where + ") TO STDOUT";
    int width = schema.columnCount();
    long copied = 0;
    try (Connection c = source.open()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
      }
      CopyOut out = c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
      List<Row> chunk = new ArrayList<>(config.rowsPerWrite());
      byte[] line;
      while ((line = out.readFromCopy()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          out.cancelCopy();
          throw new java.util.concurrent.CancellationException("copy of " + id + " interrupted");
        }
        chunk.add(new Row(CopyText.parseLine(line, width)));
        if (chunk.size() >= config.rowsPerWrite()) {
          copied += write(schema, chunk);
          chunk = new ArrayList<>(config.rowsPerWrite());
        }
      }
      if (!chunk.isEmpty()) {
        copied += write(schema, chunk);
      }
      c.commit();
    }
    return copied;
  }

  private long write(TableSchema schema, List<Row> rows) {
    destination.writeTableRows(schema, rows);
    Failpoints.reached(Failpoint.COPY_AFTER_BATCH);
    tables.addRowsCopied(schema.oid(), rows.size());
    metrics.rowsCopied(schema.id().toString(), rows.size());
    return rows.size();
  }
}
