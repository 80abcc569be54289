package io.etl.destinations.postgres;

import io.etl.core.error.EtlException;
import io.etl.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table as it exists in the destination: its columns and its primary key, read from the
 * destination's catalog, so changes are applied by the destination's own key whatever the
 * source's replica identity says.
 *
 * @param types per column, its type as SQL without the type modifier ({@code character varying},
 *     not {@code character varying(20)}; {@code bpchar}, not {@code character}, which means
 *     {@code character(1)}): set-based statements cast text to it, and the column's own assignment
 *     then applies the modifier as a plain INSERT or UPDATE does (an explicit cast to {@code
 *     varchar(20)} would silently cut a longer value instead of failing)
 */
record DestinationTable(TableId id, List<String> columns, List<String> types, List<String> keyColumns,
    Map<String, Integer> positions) {

  static DestinationTable read(Connection c, TableId id) throws SQLException {
    List<String> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname, coalesce(a.attnum = ANY (i.indkey), false), format_type(a.atttypid, -1)"
            + " FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary"
            + " WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, id.schema());
      ps.setString(2, id.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
          types.add(rs.getString(3));
          if (rs.getBoolean(2)) {
            key.add(rs.getString(1));
          }
        }
      }
    }
    if (columns.isEmpty()) {
      throw EtlException.fatal("destination_table_missing",
          "table " + id.quoted() + " does not exist in the destination database.",
          "it was dropped there after the copy; retry the table so it is created and copied again.", null);
    }
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      positions.put(columns.get(i), i);
    }
    return new DestinationTable(id, List.copyOf(columns), List.copyOf(types), List.copyOf(key), Map.copyOf(positions));
  }

  boolean hasKey() {
    return !keyColumns.isEmpty();
  }

  boolean hasColumn(String name) {
    return positions.containsKey(name);
  }

  /** The type of a column, without its modifier; see {@link #types()}. */
  String typeOf(String column) {
    return types.get(positions.get(column));
  }
}
