package io.etl.core.source;

import io.etl.core.error.EtlException;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the pipeline replicates from the source's catalog: the publication's tables and each
 * table's shape. Tables are addressed by OID only, so no name is ever spliced into SQL.
 */
public final class SourceCatalog {
  /** The schema holding the replicator's own state; never replicated even if published. */
  public static final String STATE_SCHEMA = "etl";

  private static final String PUBLISHED_TABLES =
      "SELECT c.oid, n.nspname, c.relname"
          + " FROM pg_catalog.pg_publication_tables pt"
          + " JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname"
          + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
          + " WHERE pt.pubname = ? AND n.nspname <> ?"
          + " ORDER BY n.nspname, c.relname";

  private static final String TABLE =
      "SELECT n.nspname, c.relname, c.relreplident"
          + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.oid = ?::oid";

  private static final String COLUMNS =
      "SELECT a.attname, a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, a.atttypmod),"
          + " a.attnotnull, coalesce(a.attnum = ANY (i.indkey), false)"
          + " FROM pg_catalog.pg_attribute a"
          + " LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
          + " WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
          + " ORDER BY a.attnum";

  /** The tables {@code publication} publishes, sorted by schema and name, without schema {@code etl}. */
  public List<PublishedTable> publishedTables(Connection connection, String publication) {
    try (PreparedStatement s = connection.prepareStatement(PUBLISHED_TABLES)) {
      s.setString(1, publication);
      s.setString(2, STATE_SCHEMA);
      List<PublishedTable> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tables.add(new PublishedTable((int) rs.getLong(1), new TableId(rs.getString(2), rs.getString(3))));
        }
      }
      return tables;
    } catch (SQLException e) {
      throw PostgresErrors.forConnection(PostgresConnector.SIDE, connection).classify(e);
    }
  }

  /** The same tables by OID: what the pipeline follows of the publication, at start-up and while it runs. */
  public Map<Integer, TableId> publishedTableNames(Connection connection, String publication) {
    Map<Integer, TableId> names = new TreeMap<>();
    for (PublishedTable table : publishedTables(connection, publication)) {
      names.put(table.oid(), table.id());
    }
    return names;
  }

  /**
   * The table's columns in attribute order (dropped and generated columns left out, as pgoutput
   * leaves them out), their types as {@code format_type} prints them, nullability, primary-key
   * membership and the table's replica identity.
   */
  public TableSchema readTableSchema(Connection connection, int oid) {
    try {
      TableId id;
      char replicaIdentity;
      try (PreparedStatement s = connection.prepareStatement(TABLE)) {
        s.setLong(1, Integer.toUnsignedLong(oid));
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw EtlException.fatal(
                "source_table_missing",
                "The source table with OID " + Integer.toUnsignedString(oid) + " no longer exists.",
                "If it was dropped on purpose, remove it from the publication; if it was recreated, restart the"
                    + " pipeline so the new table is copied.",
                null);
          }
          id = new TableId(rs.getString(1), rs.getString(2));
          replicaIdentity = rs.getString(3).charAt(0);
        }
      }
      List<ColumnSchema> columns = new ArrayList<>();
      try (PreparedStatement s = connection.prepareStatement(COLUMNS)) {
        s.setLong(1, Integer.toUnsignedLong(oid));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            columns.add(new ColumnSchema(
                rs.getString(1),
                (int) rs.getLong(2),
                rs.getInt(3),
                rs.getString(4),
                !rs.getBoolean(5),
                rs.getBoolean(6)));
          }
        }
      }
      return new TableSchema(oid, id, columns, replicaIdentity);
    } catch (SQLException e) {
      throw PostgresErrors.forConnection(PostgresConnector.SIDE, connection).classify(e);
    }
  }
}
