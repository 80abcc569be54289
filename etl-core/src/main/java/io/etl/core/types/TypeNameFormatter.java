package io.etl.core.types;

/**
 * Prints a column type the way {@code format_type(oid, typmod)} does on the server, for the
 * built-in types of {@link BuiltinType} and arrays of them, e.g. {@code numeric(10,2)},
 * {@code character varying(20)[]}, {@code timestamp(3) with time zone}, {@code interval day to
 * second(3)}. Used where only the OID and typmod are at hand (pgoutput Relation messages).
 */
public final class TypeNameFormatter {
  private static final int VARHDRSZ = 4;
  private static final int INTERVAL_FULL_RANGE = 0x7FFF;
  private static final int INTERVAL_FULL_PRECISION = 0xFFFF;
  private static final int MONTH = 1 << 1;
  private static final int YEAR = 1 << 2;
  private static final int DAY = 1 << 3;
  private static final int HOUR = 1 << 10;
  private static final int MINUTE = 1 << 11;
  private static final int SECOND = 1 << 12;

  private TypeNameFormatter() {}

  /** The type's name with its modifier, or null when the OID is not a known built-in type. */
  public static String format(int oid, int typmod) {
    BuiltinType type = BuiltinType.byOidOrNull(oid);
    if (type != null) {
      return withModifier(type, typmod);
    }
    BuiltinType element = BuiltinType.byArrayOidOrNull(oid);
    // An array column's typmod is its element's: numeric(10,2)[] has the typmod of numeric(10,2).
    return element == null ? null : withModifier(element, typmod) + "[]";
  }

  private static String withModifier(BuiltinType type, int typmod) {
    // Without a typmod bpchar and bit print as "bpchar" and "bit" (quoted, a keyword): plain
    // "character" or bit would mean length 1.
    if (typmod < 0) {
      return type.formatName();
    }
    return switch (type) {
      case NUMERIC -> numeric(typmod);
      case VARCHAR -> "character varying(" + (typmod - VARHDRSZ) + ")";
      case BPCHAR -> "character(" + (typmod - VARHDRSZ) + ")";
      case BIT -> "bit(" + typmod + ")";
      case VARBIT -> "bit varying(" + typmod + ")";
      case TIME -> "time(" + typmod + ") without time zone";
      case TIMETZ -> "time(" + typmod + ") with time zone";
      case TIMESTAMP -> "timestamp(" + typmod + ") without time zone";
      case TIMESTAMPTZ -> "timestamp(" + typmod + ") with time zone";
      case INTERVAL -> "interval" + intervalModifier(typmod);
      default -> type.formatName();
    };
  }

  private static String numeric(int typmod) {
    int packed = typmod - VARHDRSZ;
    int precision = (packed >> 16) & 0xFFFF;
    // PostgreSQL 15+ allows negative scales, stored as an 11-bit two's complement number.
    int scale = ((packed & 0x7FF) ^ 1024) - 1024;
    return "numeric(" + precision + "," + scale + ")";
  }

  private static String intervalModifier(int typmod) {
    int range = (typmod >> 16) & 0x7FFF;
    int precision = typmod & 0xFFFF;
    String fields =
        switch (range) {
          case YEAR -> " year";
          case MONTH -> " month";
          case DAY -> " day";
          case HOUR -> " hour";
          case MINUTE -> " minute";
          case SECOND -> " second";
          case YEAR | MONTH -> " year to month";
          case DAY | HOUR -> " day to hour";
          case DAY | HOUR | MINUTE -> " day to minute";
          case DAY | HOUR | MINUTE | SECOND -> " day to second";
          case HOUR | MINUTE -> " hour to minute";
          case HOUR | MINUTE | SECOND -> " hour to second";
          case MINUTE | SECOND -> " minute to second";
          case INTERVAL_FULL_RANGE -> "";
          default -> "";
        };
    return precision == INTERVAL_FULL_PRECISION ? fields : fields + "(" + precision + ")";
  }
}
