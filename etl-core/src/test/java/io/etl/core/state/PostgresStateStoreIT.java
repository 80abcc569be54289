package io.etl.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.etl.core.replication.Lsn;
import io.etl.core.testing.PostgresServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresStateStoreIT extends StateStoreContract {
  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  StateStore open(String pipelineId) {
    PostgresStateStore store = new PostgresStateStore(PostgresStateStoreIT::connect, pipelineId);
    store.migrate();
    return store;
  }

  private static java.sql.Connection connect() {
    try {
      return server.connect();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void migrationsRunOnceEvenWhenReplicatorsStartTogether() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String id = "concurrent" + (i % 2);
        starts.add(pool.submit(() -> open(id).close()));
      }
      for (Future<?> f : starts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(String.valueOf(StateStoreMigrations.FILES.size()),
        server.queryOne("postgres", "SELECT count(*) FROM etl.schema_migrations"));
    assertEquals("2", server.queryOne("postgres",
        "SELECT count(*) FROM etl.pipelines WHERE pipeline_id LIKE 'concurrent%'"));
  }

  @Test
  void transitionsAreKeptAsHistoryAndReadableWithSql() {
    try (StateStore store = open("history")) {
      store.updateTableState(16430, TableState.init());
      store.updateTableState(16430, TableState.of(TablePhase.DATA_SYNC));
      store.updateTableState(16430, TableState.of(TablePhase.FINISHED_COPY));
      store.updateTableState(16430, TableState.at(TablePhase.SYNC_DONE, Lsn.parse("0/AB")));
      store.updateTableState(16430, TableState.of(TablePhase.READY));
    }
    assertEquals(List.of(List.of("init"), List.of("data_sync"), List.of("finished_copy"), List.of("sync_done"), List.of("ready")),
        server.query("postgres", "SELECT phase FROM etl.table_state_history WHERE pipeline_id = 'history' ORDER BY id"));
    assertEquals(List.of(List.of("ready", "16430")), server.query("postgres",
        "SELECT phase, table_oid::text FROM etl.table_states WHERE pipeline_id = 'history'"));
  }

  @Test
  void deletingAPipelineRemovesOnlyItsRows() {
    try (PostgresStateStore gone = (PostgresStateStore) open("gone"); StateStore kept = open("kept")) {
      gone.updateTableState(1, TableState.of(TablePhase.READY));
      gone.storeTableSchema(schema(1));
      kept.updateTableState(1, TableState.of(TablePhase.READY));
      gone.deletePipeline();
    }
    assertEquals("0", server.queryOne("postgres", "SELECT count(*) FROM etl.table_states WHERE pipeline_id = 'gone'"));
    assertEquals("0", server.queryOne("postgres", "SELECT count(*) FROM etl.table_schemas WHERE pipeline_id = 'gone'"));
    assertEquals("0", server.queryOne("postgres", "SELECT count(*) FROM etl.pipelines WHERE pipeline_id = 'gone'"));
    try (StateStore kept = open("kept")) {
      assertFalse(kept.loadTableStates().isEmpty());
    }
  }
}
