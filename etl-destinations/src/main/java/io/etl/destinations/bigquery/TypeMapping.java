package io.etl.destinations.bigquery;

import io.etl.core.schema.ColumnSchema;
import io.etl.core.types.BuiltinType;
import io.etl.core.types.TypeRegistry;
import io.etl.core.types.ValueKind;

/**
 * The one table from PostgreSQL column types to BigQuery column types; the README's "BigQuery
 * destination" section prints the same table. Every type the replicator decodes has an entry;
 * every type it does not decode (and so carries as text) becomes STRING holding PostgreSQL's
 * text form, the documented fallback, so no column is ever unmappable.
 */
final class TypeMapping {
  // BigQuery NUMERIC holds 29 integer and 9 fractional digits, BIGNUMERIC 38 and 38.
  private static final int NUMERIC_INTEGER_DIGITS = 29;
  private static final int NUMERIC_SCALE = 9;
  private static final int BIGNUMERIC_INTEGER_DIGITS = 38;
  private static final int BIGNUMERIC_SCALE = 38;
  private static final int VARHDRSZ = 4;

  private final TypeRegistry registry;

  TypeMapping(TypeRegistry registry) {
    this.registry = registry;
  }

  TypeMapping() {
    this(TypeRegistry.builtins());
  }

  ColumnType map(ColumnSchema column) {
    ValueKind kind = registry.kindOf(column.typeOid());
    if (kind == ValueKind.ARRAY) {
      int elementOid = registry.elementTypeOf(column.typeOid());
      // an array's type modifier is its element's (numeric(10,2)[] has the typmod of numeric(10,2))
      return new ColumnType(scalar(registry.kindOf(elementOid), column.typeModifier()), true);
    }
    return new ColumnType(scalar(kind, column.typeModifier()), false);
  }

  private static BigQueryType scalar(ValueKind kind, int typeModifier) {
    return switch (kind) {
      case BOOL -> BigQueryType.BOOL;
      case INT2, INT4, INT8 -> BigQueryType.INT64;
      case FLOAT4, FLOAT8 -> BigQueryType.FLOAT64;
      case NUMERIC -> numeric(typeModifier);
      case TEXT, UUID, TIMETZ, UNKNOWN -> BigQueryType.STRING;
      case BYTEA -> BigQueryType.BYTES;
      case DATE -> BigQueryType.DATE;
      case TIME -> BigQueryType.TIME;
      case TIMESTAMP -> BigQueryType.DATETIME;
      case TIMESTAMPTZ -> BigQueryType.TIMESTAMP;
      case INTERVAL -> BigQueryType.INTERVAL;
      case JSON -> BigQueryType.JSON;
      case ARRAY -> throw new IllegalStateException("arrays are mapped by their element type");
    };
  }

  /**
   * numeric(p,s) goes to the smallest BigQuery type that holds every value it can: NUMERIC, else
   * BIGNUMERIC, else STRING with the exact text. Unconstrained numeric goes to BIGNUMERIC; a value
   * that does not fit is refused when it is written (see {@link ValueEncoder}).
   */
  private static BigQueryType numeric(int typeModifier) {
    if (typeModifier < VARHDRSZ) {
      return BigQueryType.BIGNUMERIC;
    }
    int precision = ((typeModifier - VARHDRSZ) >> 16) & 0xffff;
    // PostgreSQL 15+ stores the scale as an 11-bit two's complement (negative scales round left of the point)
    int scale = (((typeModifier - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
    int integerDigits = precision - scale;
    int fractionDigits = Math.max(scale, 0);
    if (integerDigits <= NUMERIC_INTEGER_DIGITS && fractionDigits <= NUMERIC_SCALE) {
      return BigQueryType.NUMERIC;
    }
    if (integerDigits <= BIGNUMERIC_INTEGER_DIGITS && fractionDigits <= BIGNUMERIC_SCALE) {
      return BigQueryType.BIGNUMERIC;
    }
    return BigQueryType.STRING;
  }

  /** The name to print for a column type in messages: the source's own spelling. */
  static String sourceTypeName(ColumnSchema column) {
    return column.typeName() != null ? column.typeName()
        : BuiltinType.forOid(column.typeOid()).map(BuiltinType::formatName).orElse("type " + column.typeOid());
  }
}
