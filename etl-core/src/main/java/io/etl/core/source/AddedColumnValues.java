package io.etl.core.source;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the rows that existed before an ADD COLUMN hold in the new column. The source never
 * streams them: a constant DEFAULT is stored once in the catalog ({@code attmissingval}), and a
 * volatile one rewrites the table without sending a change. So the answer comes from the catalog,
 * and "cannot know" (a volatile default, a later rewrite, the column gone again) is an answer too:
 * the caller then copies the table again.
 */
public final class AddedColumnValues {
  private static final String QUERY =
      "SELECT attname, atthasdef, atthasmissing, (attmissingval::text::text[])[1]"
          + " FROM pg_catalog.pg_attribute"
          + " WHERE attrelid = ?::oid AND attnum > 0 AND NOT attisdropped AND attname = ANY (?)";

  /** Per column name: the value of the existing rows (text, or empty for NULL); absent = unknown. */
  public Map<String, Optional<String>> read(Connection connection, int tableOid, List<String> columns)
      throws SQLException {
    Map<String, Optional<String>> values = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
      ps.setLong(1, Integer.toUnsignedLong(tableOid));
      Array names = connection.createArrayOf("text", columns.toArray());
      ps.setArray(2, names);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean hasDefault = rs.getBoolean(2);
          boolean hasMissing = rs.getBoolean(3);
          if (hasMissing) {
            values.put(rs.getString(1), Optional.ofNullable(rs.getString(4)));
          } else if (!hasDefault) {
            values.put(rs.getString(1), Optional.empty());
          }
        }
      }
    }
    return values;
  }
}
