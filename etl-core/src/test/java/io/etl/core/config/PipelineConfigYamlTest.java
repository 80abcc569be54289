package io.etl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineConfigYamlTest {
  private static PipelineConfig.Builder minimal() {
    return PipelineConfig.builder()
        .pipeline("orders", "orders_pub")
        .source(new PostgresConnectionConfig("db", 5432, "shop", "etl", new SecretRef("ETL_SOURCE_PASSWORD", null), null))
        .destination(new DestinationConfig("memory", null));
  }

  @Test
  void whatIsWrittenReadsBackAsAnEqualRecord() throws JsonProcessingException {
    PipelineConfig config = minimal()
        .batch(BatchConfig.builder().maxEvents(2_000).maxFillMs(250).build())
        .tableSync(TableSyncConfig.builder().maxWorkers(2).rangesPerTable(8).build())
        .retry(new RetryConfig(100L, 5_000L, null))
        .heartbeat(new HeartbeatConfig(30_000L))
        .replication(new ReplicationConfig(null, "/tmp/etl-spool"))
        .build();
    String yaml = PipelineConfigYaml.write(config);
    assertEquals(config, PipelineConfigYaml.read(yaml), yaml);
    assertEquals(List.of(), PipelineConfigYaml.read(yaml).problems(), yaml);
  }

  @Test
  void aSecretIsWrittenAsWhereItLivesAndAnAbsentOneNotAtAll() {
    String yaml = PipelineConfigYaml.write(minimal().build());
    assertTrue(yaml.contains("env: \"ETL_SOURCE_PASSWORD\""), yaml);
    assertFalse(yaml.contains("file:"), yaml);
    assertFalse(yaml.contains("token:"), "no admin token configured, so no key: " + yaml);
    assertFalse(yaml.contains("null"), yaml);
  }

  @Test
  void theBuildersDefaultsAreTheLoadersDefaults() throws JsonProcessingException {
    PipelineConfig read = PipelineConfigYaml.read("""
        pipeline: {id: orders, publication: orders_pub}
        source: {host: db, port: 5432, database: shop, user: etl, password: {env: ETL_SOURCE_PASSWORD}}
        destination: {type: memory}
        """);
    assertEquals(minimal().build(), read);
    assertEquals(BatchConfig.DEFAULT, BatchConfig.builder().build());
    assertEquals(TableSyncConfig.DEFAULT, TableSyncConfig.builder().build());
  }

  @Test
  void readingIsStrictAboutUnknownKeys() {
    assertThrows(UnrecognizedPropertyException.class, () -> PipelineConfigYaml.read("batch: {maxEvent: 5}\n"));
  }

  @Test
  void maxEventsAboveTheCapIsOneLineNamingTheFieldAndTheRange() {
    List<String> problems = minimal().batch(BatchConfig.builder().maxEvents(1_000_001).build()).build().problems();
    assertEquals(List.of("batch.maxEvents must be between 1 and 1000000, got 1000001"), problems);
  }

  @Test
  void limitsTheCrdAlreadyHadAreTheCoresToo() {
    List<String> problems = minimal()
        .batch(BatchConfig.builder().maxFillMs(600_001).build())
        .retry(new RetryConfig(3_600_001L, 3_600_002L, null))
        .heartbeat(new HeartbeatConfig(3_600_001L))
        .build().problems();
    assertEquals(List.of(
        "batch.maxFillMs must be between 1 and 600000, got 600001",
        "retry.initialBackoffMs must be between 1 and 3600000, got 3600001",
        "retry.maxBackoffMs must be between 1 and 3600000, got 3600002",
        "heartbeat.intervalMs must be 0 (off) or between 100 and 3600000, got 3600001"), problems);
  }

  @Test
  void aDatabaseNameLongerThanPostgresKeepsIsRefused() {
    List<String> problems = minimal()
        .source(new PostgresConnectionConfig("db", 5432, "d".repeat(64), "etl", null, null)).build().problems();
    assertEquals(List.of("source.database must be 1 to 63 characters long, got 64"), problems);
  }

  @Test
  void resyncRequestsRoundTripAndAreLeftOutWhenThereAreNone() throws JsonProcessingException {
    PipelineConfig config = minimal()
        .resync(List.of(new ResyncRequest("public.orders", "2026-12-02-orders"))).build();
    String yaml = PipelineConfigYaml.write(config);
    assertTrue(yaml.contains("resync:\n- table: \"public.orders\"\n  requestId: \"2026-12-02-orders\""), yaml);
    assertEquals(config, PipelineConfigYaml.read(yaml), yaml);
    assertFalse(PipelineConfigYaml.write(minimal().build()).contains("resync"), "no requests, no key");
  }

  @Test
  void aBadResyncRequestIsOneLineNamingTheEntry() {
    List<String> problems = minimal().resync(List.of(
        new ResyncRequest("orders", "orders-1"),
        new ResyncRequest("public.orders", "Orders_2"),
        new ResyncRequest("public.items", "orders-1"))).build().problems();
    assertEquals(List.of(
        "resync[0].table must be schema.table (PostgreSQL names), got 'orders'",
        "resync[1].requestId must be 1-63 of a-z, 0-9, - and . starting and ending with a letter or digit, got 'Orders_2'",
        "resync[2].requestId 'orders-1' is used twice; give each request its own"), problems);
  }
}
