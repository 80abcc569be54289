package io.etl.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the operator reads of a pipeline's tables from the state store. */
class PipelineStateReaderIT {
  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
    server.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void unmatchedChangesOfATableAreRead() throws Exception {
    int oid = Integer.parseInt(server.queryOne("postgres", "SELECT 't'::regclass::oid::int"));
    try (PostgresStateStore store = new PostgresStateStore(PipelineStateReaderIT::connect, "reader")) {
      store.migrate();
      store.updateTableState(oid, TableState.of(TablePhase.READY));
      store.storeUnmatchedChanges(oid, 7);
    }
    try (Connection c = server.connect()) {
      List<PipelineObservation.Table> tables = PipelineStateReader.read(c, "reader", "pub").tables();
      assertEquals(List.of(new PipelineObservation.Table("public.t", "ready", 0, null, null, 7)), tables);
    }
  }

  private static Connection connect() {
    try {
      return server.connect();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
