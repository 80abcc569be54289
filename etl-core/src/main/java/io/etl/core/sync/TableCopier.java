package io.etl.core.sync;

import io.etl.core.config.TableSyncConfig;
import io.etl.core.destination.Destination;
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
import java.util.concurrent.CancellationException;
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
    Relation relation = relation(schema);
    String from = relation.partitioned()
        // a partitioned table holds no rows itself: its partitions' rows are its rows
        ? " FROM " + schema.id().quoted()
        // an inheritance parent is published apart from its children, each copied on its own
        : " FROM ONLY " + schema.id().quoted();
    List<String> ranges = ctidRanges(relation);
    if (ranges.size() == 1) {
      return copyRange(schema, snapshotName, from + ranges.get(0));
    }
    ExecutorService pool = Executors.newFixedThreadPool(ranges.size(), r -> {
      Thread t = new Thread(r, "copy-" + schema.id().name());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Long>> parts = new ArrayList<>();
      for (String range : ranges) {
        parts.add(pool.submit(() -> copyRange(schema, snapshotName, from + range)));
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

  /** What the copy needs to know of the table besides its columns. */
  private record Relation(boolean partitioned, long pages) {}

  private Relation relation(TableSchema schema) throws SQLException {
    try (Connection c = source.open();
        PreparedStatement ps = c.prepareStatement(
            "SELECT relkind = 'p', pg_relation_size(oid) / current_setting('block_size')::bigint"
                + " FROM pg_catalog.pg_class WHERE oid = ?::oid")) {
      ps.setLong(1, Integer.toUnsignedLong(schema.oid()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("table " + schema.id() + " (OID " + Integer.toUnsignedString(schema.oid())
              + ") no longer exists", "42P01");
        }
        return new Relation(rs.getBoolean(1), rs.getLong(2));
      }
    }
  }

  /**
   * WHERE clauses splitting the table's current pages into ranges; the last one is open-ended.
   * A partitioned table has no pages of its own (and ctids repeat across its partitions), so it
   * is copied whole.
   */
  private List<String> ctidRanges(Relation relation) {
    long pages = relation.pages();
    int n = !relation.partitioned() && pages >= config.parallelMinPages() ? config.rangesPerTable() : 1;
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

  private long copyRange(TableSchema schema, String snapshotName, String fromWhere) throws SQLException {
    TableId id = schema.id();
    String columns =
        schema.columns().stream().map(ColumnSchema::name).map(TableId::quoteIdentifier).collect(Collectors.joining(", "));
    String sql = "COPY (SELECT " + columns + fromWhere + ") TO STDOUT";
    long copied = 0;
    try (Connection c = source.open()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
      }
      CopyOut out = c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
      CopyChunks chunks = CopyChunks.of(destination, schema, config.rowsPerWrite());
      byte[] line;
      while ((line = out.readFromCopy()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          out.cancelCopy();
          throw new CancellationException("copy of " + id + " interrupted");
        }
        if (chunks.add(line)) {
          copied += written(schema, chunks.write());
        }
      }
      copied += written(schema, chunks.write());
      c.commit();
    }
    return copied;
  }

  /** Bookkeeping after a chunk of {@code rows} rows reached the destination. */
  private long written(TableSchema schema, int rows) {
    if (rows == 0) {
      return 0;
    }
    Failpoints.reached(Failpoint.COPY_AFTER_BATCH);
    tables.addRowsCopied(schema.oid(), rows);
    metrics.rowsCopied(schema.id().toString(), rows);
    return rows;
  }
}
