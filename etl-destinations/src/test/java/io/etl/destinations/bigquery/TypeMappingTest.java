package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.schema.ColumnSchema;
import io.etl.core.types.BuiltinType;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeMappingTest {
  private final TypeMapping mapping = new TypeMapping();

  /** The README's table, entry by entry; a built-in type added without an entry here fails the test. */
  private static final Map<BuiltinType, String> EXPECTED = new EnumMap<>(Map.ofEntries(
      Map.entry(BuiltinType.BOOL, "BOOL"),
      Map.entry(BuiltinType.BYTEA, "BYTES"),
      Map.entry(BuiltinType.CHAR, "STRING"),
      Map.entry(BuiltinType.NAME, "STRING"),
      Map.entry(BuiltinType.INT8, "INT64"),
      Map.entry(BuiltinType.INT2, "INT64"),
      Map.entry(BuiltinType.INT4, "INT64"),
      Map.entry(BuiltinType.TEXT, "STRING"),
      Map.entry(BuiltinType.OID, "STRING"),
      Map.entry(BuiltinType.JSON, "JSON"),
      Map.entry(BuiltinType.XML, "STRING"),
      Map.entry(BuiltinType.POINT, "STRING"),
      Map.entry(BuiltinType.CIDR, "STRING"),
      Map.entry(BuiltinType.FLOAT4, "FLOAT64"),
      Map.entry(BuiltinType.FLOAT8, "FLOAT64"),
      Map.entry(BuiltinType.MACADDR8, "STRING"),
      Map.entry(BuiltinType.MONEY, "STRING"),
      Map.entry(BuiltinType.MACADDR, "STRING"),
      Map.entry(BuiltinType.INET, "STRING"),
      Map.entry(BuiltinType.BPCHAR, "STRING"),
      Map.entry(BuiltinType.VARCHAR, "STRING"),
      Map.entry(BuiltinType.DATE, "DATE"),
      Map.entry(BuiltinType.TIME, "TIME"),
      Map.entry(BuiltinType.TIMESTAMP, "DATETIME"),
      Map.entry(BuiltinType.TIMESTAMPTZ, "TIMESTAMP"),
      Map.entry(BuiltinType.INTERVAL, "INTERVAL"),
      Map.entry(BuiltinType.TIMETZ, "STRING"),
      Map.entry(BuiltinType.BIT, "STRING"),
      Map.entry(BuiltinType.VARBIT, "STRING"),
      Map.entry(BuiltinType.NUMERIC, "BIGNUMERIC"),
      Map.entry(BuiltinType.UUID, "STRING"),
      Map.entry(BuiltinType.TSVECTOR, "STRING"),
      Map.entry(BuiltinType.JSONB, "JSON")));

  private static ColumnSchema column(int oid, int typmod) {
    return new ColumnSchema("c", oid, typmod, null, true, false);
  }

  @Test
  void everyBuiltinTypeHasItsDocumentedBigQueryType() {
    for (BuiltinType type : BuiltinType.values()) {
      assertEquals(EXPECTED.get(type), mapping.map(column(type.oid(), -1)).ddl(), type.formatName());
    }
  }

  @Test
  void arraysOfDecodedTypesAreRepeatedAndArraysOfTextFallbacksStayText() {
    for (BuiltinType type : BuiltinType.values()) {
      String expected = type.isDecoded() ? "ARRAY<" + EXPECTED.get(type) + ">" : "STRING";
      assertEquals(expected, mapping.map(column(type.arrayOid(), -1)).ddl(), type.formatName() + "[]");
    }
  }

  private static int numericTypmod(int precision, int scale) {
    return ((precision << 16) | (scale & 0x7ff)) + 4;
  }

  @Test
  void numericGoesToTheSmallestTypeThatHoldsEveryValueOfItsPrecisionAndScale() {
    assertEquals("NUMERIC", mapping.map(column(1700, numericTypmod(10, 2))).ddl());
    assertEquals("NUMERIC", mapping.map(column(1700, numericTypmod(38, 9))).ddl());
    assertEquals("BIGNUMERIC", mapping.map(column(1700, numericTypmod(39, 9))).ddl(), "30 integer digits");
    assertEquals("BIGNUMERIC", mapping.map(column(1700, numericTypmod(12, 10))).ddl(), "10 fractional digits");
    assertEquals("BIGNUMERIC", mapping.map(column(1700, numericTypmod(76, 38))).ddl());
    assertEquals("STRING", mapping.map(column(1700, numericTypmod(40, 39))).ddl(), "39 fractional digits");
    assertEquals("STRING", mapping.map(column(1700, numericTypmod(1000, 0))).ddl());
    assertEquals("NUMERIC", mapping.map(column(1700, numericTypmod(5, -3))).ddl(), "negative scale: 8 integer digits");
    assertEquals("BIGNUMERIC", mapping.map(column(1700, -1)).ddl(), "unconstrained");
    assertEquals("ARRAY<NUMERIC>", mapping.map(column(1231, numericTypmod(10, 2))).ddl());
  }

  @Test
  void userTypesTheReplicatorDoesNotKnowFallBackToText() {
    assertEquals("STRING", mapping.map(column(16600, -1)).ddl());
  }
}
