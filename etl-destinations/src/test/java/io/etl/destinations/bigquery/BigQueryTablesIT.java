package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.error.EtlException;
import io.etl.core.event.Row;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The destination's tables as BigQuery (the real service when configured, else the emulator)
 * holds them: the DDL is accepted with its primary key, max_staleness and owner label; a table the
 * pipeline did not create is never dropped or emptied; and what BigQuery answers when something is
 * wrong is classified as the README says.
 */
class BigQueryTablesIT {
  private static final ColumnSchema ID = new ColumnSchema("id", 20, -1, "bigint", false, true);
  private static final ColumnSchema NAME = new ColumnSchema("name", 25, -1, "text", true, false);
  private static final TableSchema ITEMS = new TableSchema(16410, new io.etl.core.schema.TableId("shop", "items"),
      List.of(ID, NAME), 'd');

  private LiveBigQuery live;

  @BeforeEach
  void connect() {
    live = LiveBigQuery.fromEnvironment("etl_tables_test");
  }

  @AfterEach
  void dropDataset() throws Exception {
    live.close();
  }

  private Table table(String name) throws Exception {
    return live.bigquery().getTable(TableId.of(live.config.projectId(), live.config.datasetId(), name));
  }

  /** A destination of the same dataset with other settings. */
  private BigQueryDestination destination(int maxStalenessMinutes, boolean createDataset, String location, String pipelineId) {
    BigQueryConfig c = live.config;
    return BigQueryClients.destination(new BigQueryConfig(c.projectId(), c.datasetId(), location, maxStalenessMinutes,
        createDataset, null, c.endpoints()), null, pipelineId);
  }

  @Test
  void tablesAreCreatedWithTheirKeyStalenessAndOwnerLabel() throws Exception {
    try (BigQueryDestination destination = destination(15, true, live.config.location(), "orders")) {
      destination.verify();
      destination.prepareTable(ITEMS);
      destination.prepareTable(ITEMS);  // a replay finds it done
      destination.writeTableRows(ITEMS, List.of(Row.of("1", "apple")));
    }
    Table items = table("shop_items");
    assertEquals(Map.of(TableDefinition.OWNER_LABEL, "orders"), items.getLabels());
    assertEquals(List.of("id"), items.getTableConstraints().getPrimaryKey().getColumns());
    assertEquals(List.of("id:INT64", "name:STRING"), items.<StandardTableDefinition>getDefinition().getSchema().getFields()
        .stream().map(f -> f.getName() + ":" + f.getType().getStandardType()).toList());
    assertEquals(List.of("1|apple"), live.query("SELECT CAST(id AS STRING), name FROM " + live.qualified("shop_items")));
    Table positions = table(BigQueryNames.POSITIONS_TABLE);
    assertEquals(List.of("stream_id"), positions.getTableConstraints().getPrimaryKey().getColumns());
    assertEquals(Map.of(), positions.getLabels() == null ? Map.of() : positions.getLabels(),
        "the positions table is shared by the dataset's pipelines");
  }

  @Test
  void aTableThisPipelineDidNotCreateIsNeverRecreatedNorEmptied() throws Exception {
    try (BigQueryDestination destination = live.destination()) {
      destination.verify();
    }
    // a user's table of the same name, with a row of theirs
    live.bigquery().create(TableInfo.of(TableId.of(live.config.projectId(), live.config.datasetId(), "shop_items"),
        StandardTableDefinition.of(Schema.of(Field.of("id", StandardSQLTypeName.INT64), Field.of("note", StandardSQLTypeName.STRING)))));
    live.query("INSERT INTO " + live.qualified("shop_items") + " (id, note) VALUES (7, 'mine')");
    // and one of another pipeline
    try (BigQueryDestination other = live.destination("other_pipeline")) {
      other.prepareTable(new TableSchema(16411, new io.etl.core.schema.TableId("shop", "log"), List.of(ID), 'd'));
    }

    try (BigQueryDestination destination = live.destination()) {
      EtlException prepare = assertThrows(EtlException.class, () -> destination.prepareTable(ITEMS));
      assertFalse(prepare.isRetryable());
      EtlException truncate = assertThrows(EtlException.class, () -> destination.truncateTable(ITEMS));
      assertFalse(truncate.isRetryable());
      assertEquals(prepare.category(), truncate.category());
      assertThrows(EtlException.class, () -> destination.truncateTable(
          new TableSchema(16411, new io.etl.core.schema.TableId("shop", "log"), List.of(ID), 'd')));
    }
    assertEquals(List.of("7|mine"), live.query("SELECT CAST(id AS STRING), note FROM " + live.qualified("shop_items")),
        "the user's table and row are untouched");
    assertEquals(List.of("id:INT64", "note:STRING"), table("shop_items").<StandardTableDefinition>getDefinition().getSchema()
        .getFields().stream().map(f -> f.getName() + ":" + f.getType().getStandardType()).toList());
    assertEquals(Map.of(TableDefinition.OWNER_LABEL, "other_pipeline"), table("shop_log").getLabels());
  }

  @Test
  void bigQuerysErrorsAreClassifiedWhereTheyAreCaught() throws Exception {
    try (BigQueryDestination missing = destination(0, false, live.config.location(), LiveBigQuery.PIPELINE_ID)) {
      EtlException noDataset = assertThrows(EtlException.class, missing::verify);
      assertEquals("destination_not_found", noDataset.category());
    }
    live.bigquery().create(DatasetInfo.newBuilder(live.config.projectId(), live.config.datasetId()).setLocation("EU").build());
    try (BigQueryDestination elsewhere = destination(0, false, "US", LiveBigQuery.PIPELINE_ID)) {
      EtlException location = assertThrows(EtlException.class, elsewhere::verify);
      assertEquals("config_invalid", location.category());
      assertTrue(location.reason().contains("is in EU"), location.reason());
    }
    try (BigQueryDestination destination = destination(0, false, "EU", LiveBigQuery.PIPELINE_ID)) {
      destination.verify();
      destination.prepareTable(ITEMS);
      Dataset dataset = new Dataset(live.bigquery(), live.config.projectId(), live.config.datasetId(), "EU",
          new BigQueryErrors(live.config.projectId(), live.config.datasetId()));

      EtlException refused = assertThrows(EtlException.class,
          () -> dataset.run("ALTER TABLE " + dataset.qualified("shop_items") + " ADD COLUMN", "changing shop_items"));
      assertEquals("destination_invalid_request", refused.category(), refused.reason());
      assertFalse(refused.isRetryable(), "a statement BigQuery refuses is not retried");

      EtlException noTable = assertThrows(EtlException.class,
          () -> dataset.run("TRUNCATE TABLE " + dataset.qualified("no_such_table"), "truncating no_such_table"));
      assertEquals("destination_not_found", noTable.category(), noTable.reason());

      // the table goes away behind the destination's back: the Storage Write API says NOT_FOUND
      live.bigquery().delete(TableId.of(live.config.projectId(), live.config.datasetId(), "shop_items"));
      EtlException gone = assertThrows(EtlException.class, () -> destination.writeTableRows(ITEMS, List.of(Row.of("1", "a"))));
      assertEquals("destination_not_found", gone.category(), gone.reason());
      assertFalse(gone.isRetryable());
    }
  }
}
