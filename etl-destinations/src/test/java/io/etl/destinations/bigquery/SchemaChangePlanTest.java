package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etl.core.error.EtlException;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaChangePlanTest {
  private static final String T = "`p.d.public_items`";
  private static final ColumnSchema ID = new ColumnSchema("id", 23, -1, "integer", false, true);
  private static final ColumnSchema QTY = new ColumnSchema("qty", 21, -1, "smallint", true, false);
  private static final ColumnSchema NAME = new ColumnSchema("name", 25, -1, "text", true, false);

  private final TypeMapping mapping = new TypeMapping();

  private static TableSchema items(ColumnSchema... columns) {
    return new TableSchema(16402, new TableId("public", "items"), List.of(columns), 'd');
  }

  /** The BigQuery table {@code schema} was created as. */
  private BigQueryTable bigQuery(TableSchema schema) {
    return TableDefinition.of(schema, mapping);
  }

  /** The table after {@code statements}, as far as the column list goes. */
  private static BigQueryTable after(BigQueryTable table, List<String> statements) {
    Map<String, String> columns = new LinkedHashMap<>(table.columns());
    for (String sql : statements) {
      String[] w = sql.replace("`", "").split(" ");
      if (sql.contains(" ADD COLUMN ")) {
        columns.put(w[5], w[6]);
      } else if (sql.contains(" DROP COLUMN ")) {
        columns.remove(w[5]);
      } else if (sql.contains(" RENAME COLUMN ")) {
        columns.put(w[7], columns.remove(w[5]));
      } else if (sql.contains(" SET DATA TYPE ")) {
        columns.put(w[5], w[9]);
      }
    }
    return new BigQueryTable(table.name(), columns, table.keyColumns());
  }

  @Test
  void addDropRenameAndWideningAreAppliedInPlaceAndAReplayPlansNothing() {
    TableSchema before = items(ID, QTY, NAME);
    ColumnSchema qtyNumeric = new ColumnSchema("qty", 1700, ((12 << 16) | 2) + 4, "numeric(12,2)", true, false);
    ColumnSchema title = new ColumnSchema("title", 25, -1, "text", true, false);
    ColumnSchema price = new ColumnSchema("price", 1700, ((10 << 16) | 2) + 4, "numeric(10,2)", true, false);
    ColumnSchema note = new ColumnSchema("note", 25, -1, "text", true, false);
    TableSchema afterSchema = items(ID, qtyNumeric, title, price, note);
    SchemaChangeEvent change = new SchemaChangeEvent(before, afterSchema, List.of(
        new ColumnChange.Retyped(qtyNumeric),
        new ColumnChange.Renamed("name", "title"),
        new ColumnChange.Added(price, "9.50"),
        new ColumnChange.Added(note, null)));

    BigQueryTable table = bigQuery(before);
    List<String> statements = SchemaChangePlan.statements(change, table, T, mapping);
    assertEquals(List.of(
        "ALTER TABLE " + T + " ALTER COLUMN `qty` SET DATA TYPE NUMERIC",
        "ALTER TABLE " + T + " RENAME COLUMN `name` TO `title`",
        "ALTER TABLE " + T + " ADD COLUMN `price` NUMERIC",
        "UPDATE " + T + " SET `price` = CAST('9.50' AS NUMERIC) WHERE `price` IS NULL",
        "ALTER TABLE " + T + " ADD COLUMN `note` STRING"), statements);

    BigQueryTable changed = after(table, statements);
    assertEquals(bigQuery(afterSchema).columns(), changed.columns());
    assertEquals(List.of(), SchemaChangePlan.statements(change, changed, T, mapping), "a replay changes nothing");
  }

  @Test
  void aDroppedColumnIsDroppedAndATypeChangeWithinOneBigQueryTypeIsNothing() {
    ColumnSchema qtyInt = new ColumnSchema("qty", 23, -1, "integer", true, false);
    SchemaChangeEvent change = new SchemaChangeEvent(items(ID, QTY, NAME), items(ID, qtyInt),
        List.of(new ColumnChange.Retyped(qtyInt), new ColumnChange.Dropped("name")));
    assertEquals(List.of("ALTER TABLE " + T + " DROP COLUMN `name`"),
        SchemaChangePlan.statements(change, bigQuery(items(ID, QTY, NAME)), T, mapping));
  }

  @Test
  void aTypeChangeBigQueryCannotMakeInPlaceFailsTheTableWithTheCopyAgainFix() {
    ColumnSchema qtyText = new ColumnSchema("qty", 25, -1, "text", true, false);
    SchemaChangeEvent change = new SchemaChangeEvent(items(ID, QTY), items(ID, qtyText),
        List.of(new ColumnChange.Retyped(qtyText)));
    EtlException e = assertThrows(EtlException.class,
        () -> SchemaChangePlan.statements(change, bigQuery(items(ID, QTY)), T, mapping));
    assertFalse(e.isRetryable());
    assertEquals(16402, e.tableOid().orElseThrow());
    assertEquals("column qty of public.items changed type to text, which would turn BigQuery INT64 into STRING;"
        + " BigQuery cannot convert that in place.", e.reason());
    assertEquals("retry the table: it is copied again into a BigQuery table created with the new type.", e.solution());
  }

  @Test
  void existingRowValuesBecomeGoogleSqlOfTheColumnsType() {
    assertEquals("'it\\'s'", SchemaChangePlan.literal("it's", new ColumnType(BigQueryType.STRING, false)));
    assertEquals("TRUE", SchemaChangePlan.literal("t", new ColumnType(BigQueryType.BOOL, false)));
    assertEquals("PARSE_JSON('{\"a\": 1}')", SchemaChangePlan.literal("{\"a\": 1}", new ColumnType(BigQueryType.JSON, false)));
    assertEquals("FROM_HEX('beef')", SchemaChangePlan.literal("\\xbeef", new ColumnType(BigQueryType.BYTES, false)));
    assertEquals("CAST('2024-01-01' AS DATE)", SchemaChangePlan.literal("2024-01-01", new ColumnType(BigQueryType.DATE, false)));
  }

  @Test
  void newTablesGetTheirKeyNotEnforcedMaxStalenessAndTheLabelOfTheirPipeline() {
    assertEquals("CREATE TABLE IF NOT EXISTS " + T + " (`id` INT64, `qty` INT64, `name` STRING, PRIMARY KEY (`id`)"
        + " NOT ENFORCED) OPTIONS (max_staleness = INTERVAL '0-0 0 1:30:0' YEAR TO SECOND,"
        + " labels = [(\"etl-pipeline\", \"orders\")])",
        TableDefinition.createStatement(T, bigQuery(items(ID, QTY, NAME)), 90, "orders"));
    TableSchema noKey = new TableSchema(16403, new TableId("public", "log_lines"), List.of(NAME), 'd');
    BigQueryTable appendOnly = bigQuery(noKey);
    assertEquals("public_log__lines", appendOnly.name());
    assertEquals("CREATE TABLE IF NOT EXISTS `p.d.public_log__lines` (`name` STRING)"
        + " OPTIONS (labels = [(\"etl-pipeline\", \"orders\")])",
        TableDefinition.createStatement("`p.d.public_log__lines`", appendOnly, 15, "orders"));
    assertEquals("CREATE TABLE IF NOT EXISTS `p.d.public_log__lines` (`name` STRING)",
        TableDefinition.createStatement("`p.d.public_log__lines`", appendOnly, 15, null), "the shared positions table");
  }

  @Test
  void sourceNamesMapToDistinctBigQueryTables() {
    List<String> names = new ArrayList<>();
    for (TableId id : List.of(new TableId("a_b", "c"), new TableId("a", "b_c"), new TableId("a", "b__c"))) {
      names.add(BigQueryNames.table(id));
    }
    assertEquals(List.of("a__b_c", "a_b__c", "a_b____c"), names);
  }
}
