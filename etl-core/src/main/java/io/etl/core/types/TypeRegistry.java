package io.etl.core.types;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Which Java shape each type OID decodes to: the built-in types statically, plus the user types
 * of one database read from {@code pg_type} by {@link #load}: enums (text), domains (their base
 * type, through any chain of domains) and arrays of either. Immutable, so safe to share.
 */
public final class TypeRegistry {
  /** pg_type OIDs below this are assigned at initdb; user types are at or above it. */
  private static final long FIRST_NORMAL_OBJECT_ID = 16384;

  private static final int MAX_DOMAIN_DEPTH = 32;

  private static final TypeRegistry BUILTINS = new TypeRegistry(Map.of());

  private static final String USER_TYPES_SQL =
      "SELECT t.oid::int8, t.typtype, t.typbasetype::int8, t.typelem::int8, t.typcategory,"
          + " e.typdelim"
          + " FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem"
          + " WHERE t.oid >= "
          + FIRST_NORMAL_OBJECT_ID
          + " AND (t.typtype IN ('e', 'd') OR (t.typcategory = 'A' AND t.typelem <> 0))";

  /** A user type, resolved: its kind and, for arrays, the element OID and delimiter. */
  private record Resolved(ValueKind kind, int elementOid, char delimiter) {}

  private record PgTypeRow(char typtype, int baseOid, int elementOid, char delimiter) {}

  private final Map<Integer, Resolved> userTypes;

  private TypeRegistry(Map<Integer, Resolved> userTypes) {
    this.userTypes = userTypes;
  }

  /** Built-in types only: enough when a database has no enums, domains or arrays of them. */
  public static TypeRegistry builtins() {
    return BUILTINS;
  }

  /** Built-in types plus the enums, domains and arrays of them defined in the connected database. */
  public static TypeRegistry load(Connection connection) throws SQLException {
    Map<Integer, PgTypeRow> rows = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(USER_TYPES_SQL)) {
      while (rs.next()) {
        String delimiter = rs.getString(6);
        rows.put(
            (int) rs.getLong(1),
            new PgTypeRow(
                rs.getString(2).charAt(0),
                (int) rs.getLong(3),
                (int) rs.getLong(4),
                delimiter == null || delimiter.isEmpty() ? ',' : delimiter.charAt(0)));
      }
    }
    Map<Integer, Resolved> resolved = new HashMap<>();
    for (int oid : rows.keySet()) {
      Resolved r = resolve(oid, rows, 0);
      if (r.kind() != ValueKind.UNKNOWN) {
        resolved.put(oid, r);
      }
    }
    return new TypeRegistry(Map.copyOf(resolved));
  }

  private static Resolved resolve(int oid, Map<Integer, PgTypeRow> rows, int depth) {
    Resolved builtin = builtin(oid);
    if (builtin != null) {
      return builtin;
    }
    PgTypeRow row = rows.get(oid);
    if (row == null || depth > MAX_DOMAIN_DEPTH) {
      return new Resolved(ValueKind.UNKNOWN, 0, ',');
    }
    return switch (row.typtype()) {
      case 'e' -> new Resolved(ValueKind.TEXT, 0, ',');
      case 'd' -> resolve(row.baseOid(), rows, depth + 1);
      default -> {
        // An array is only worth decoding when its elements are: else the text stays whole.
        Resolved element = resolve(row.elementOid(), rows, depth + 1);
        yield element.kind() == ValueKind.UNKNOWN
            ? element
            : new Resolved(ValueKind.ARRAY, row.elementOid(), row.delimiter());
      }
    };
  }

  private static Resolved builtin(int oid) {
    BuiltinType type = BuiltinType.byOidOrNull(oid);
    if (type != null) {
      return new Resolved(type.kind(), 0, ',');
    }
    BuiltinType element = BuiltinType.byArrayOidOrNull(oid);
    if (element != null && element.isDecoded()) {
      return new Resolved(ValueKind.ARRAY, element.oid(), ',');
    }
    return null;
  }

  /** The shape values of this type decode to; {@link ValueKind#UNKNOWN} when they stay text. */
  public ValueKind kindOf(int oid) {
    BuiltinType type = BuiltinType.byOidOrNull(oid);
    if (type != null) {
      return type.kind();
    }
    BuiltinType element = BuiltinType.byArrayOidOrNull(oid);
    if (element != null) {
      return element.isDecoded() ? ValueKind.ARRAY : ValueKind.UNKNOWN;
    }
    Resolved r = userTypes.get(oid);
    return r == null ? ValueKind.UNKNOWN : r.kind();
  }

  /** True when {@link ValueDecoder} turns values of this type into something other than text. */
  public boolean isKnown(int oid) {
    return kindOf(oid) != ValueKind.UNKNOWN;
  }

  /** For an array type (or a domain over one), its element type's OID; 0 otherwise. */
  public int elementTypeOf(int arrayOid) {
    BuiltinType element = BuiltinType.byArrayOidOrNull(arrayOid);
    if (element != null) {
      return element.oid();
    }
    Resolved r = userTypes.get(arrayOid);
    return r == null ? 0 : r.elementOid();
  }

  /** The delimiter between elements in the text form of an array type (',' for nearly all). */
  public char arrayDelimiterOf(int arrayOid) {
    Resolved r = userTypes.get(arrayOid);
    return r == null ? ',' : r.delimiter();
  }
}
