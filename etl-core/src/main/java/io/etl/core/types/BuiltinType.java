package io.etl.core.types;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Built-in PostgreSQL types whose OIDs are fixed in every server (pg_type.dat), with the name
 * {@code format_type} prints for them and the Java shape their values decode to. Types listed
 * with {@link ValueKind#UNKNOWN} are known by name only; their values stay text.
 */
public enum BuiltinType {
  BOOL(16, 1000, "boolean", ValueKind.BOOL),
  BYTEA(17, 1001, "bytea", ValueKind.BYTEA),
  CHAR(18, 1002, "\"char\"", ValueKind.TEXT),
  NAME(19, 1003, "name", ValueKind.TEXT),
  INT8(20, 1016, "bigint", ValueKind.INT8),
  INT2(21, 1005, "smallint", ValueKind.INT2),
  INT4(23, 1007, "integer", ValueKind.INT4),
  TEXT(25, 1009, "text", ValueKind.TEXT),
  OID(26, 1028, "oid", ValueKind.UNKNOWN),
  JSON(114, 199, "json", ValueKind.JSON),
  XML(142, 143, "xml", ValueKind.UNKNOWN),
  POINT(600, 1017, "point", ValueKind.UNKNOWN),
  CIDR(650, 651, "cidr", ValueKind.UNKNOWN),
  FLOAT4(700, 1021, "real", ValueKind.FLOAT4),
  FLOAT8(701, 1022, "double precision", ValueKind.FLOAT8),
  MACADDR8(774, 775, "macaddr8", ValueKind.UNKNOWN),
  MONEY(790, 791, "money", ValueKind.UNKNOWN),
  MACADDR(829, 1040, "macaddr", ValueKind.UNKNOWN),
  INET(869, 1041, "inet", ValueKind.UNKNOWN),
  BPCHAR(1042, 1014, "bpchar", ValueKind.TEXT),
  VARCHAR(1043, 1015, "character varying", ValueKind.TEXT),
  DATE(1082, 1182, "date", ValueKind.DATE),
  TIME(1083, 1183, "time without time zone", ValueKind.TIME),
  TIMESTAMP(1114, 1115, "timestamp without time zone", ValueKind.TIMESTAMP),
  TIMESTAMPTZ(1184, 1185, "timestamp with time zone", ValueKind.TIMESTAMPTZ),
  INTERVAL(1186, 1187, "interval", ValueKind.INTERVAL),
  TIMETZ(1266, 1270, "time with time zone", ValueKind.TIMETZ),
  BIT(1560, 1561, "\"bit\"", ValueKind.UNKNOWN),
  VARBIT(1562, 1563, "bit varying", ValueKind.UNKNOWN),
  NUMERIC(1700, 1231, "numeric", ValueKind.NUMERIC),
  UUID(2950, 2951, "uuid", ValueKind.UUID),
  TSVECTOR(3614, 3643, "tsvector", ValueKind.UNKNOWN),
  JSONB(3802, 3807, "jsonb", ValueKind.JSON);

  private static final Map<Integer, BuiltinType> BY_OID = new HashMap<>();
  private static final Map<Integer, BuiltinType> BY_ARRAY_OID = new HashMap<>();

  static {
    for (BuiltinType t : values()) {
      BY_OID.put(t.oid, t);
      BY_ARRAY_OID.put(t.arrayOid, t);
    }
  }

  private final int oid;
  private final int arrayOid;
  private final String formatName;
  private final ValueKind kind;

  BuiltinType(int oid, int arrayOid, String formatName, ValueKind kind) {
    this.oid = oid;
    this.arrayOid = arrayOid;
    this.formatName = formatName;
    this.kind = kind;
  }

  public int oid() {
    return oid;
  }

  /** OID of the one-dimensional array type over this type ({@code pg_type.typarray}). */
  public int arrayOid() {
    return arrayOid;
  }

  /** The name {@code format_type(oid, -1)} prints, e.g. {@code integer}, {@code character varying}. */
  public String formatName() {
    return formatName;
  }

  public ValueKind kind() {
    return kind;
  }

  /** True when values of this type decode to something other than their text form. */
  public boolean isDecoded() {
    return kind != ValueKind.UNKNOWN;
  }

  public static Optional<BuiltinType> forOid(int oid) {
    return Optional.ofNullable(BY_OID.get(oid));
  }

  /** The element type of a built-in array type OID, e.g. INT4 for 1007 ({@code integer[]}). */
  public static Optional<BuiltinType> forArrayOid(int arrayOid) {
    return Optional.ofNullable(BY_ARRAY_OID.get(arrayOid));
  }

  static BuiltinType byOidOrNull(int oid) {
    return BY_OID.get(oid);
  }

  static BuiltinType byArrayOidOrNull(int arrayOid) {
    return BY_ARRAY_OID.get(arrayOid);
  }
}
