package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts where the source's idea of our position and the destination's differ: nothing may be lost. */
class RestartPositionsIT {
  private static final List<String> TABLES = List.of("a", "b");
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE a (id int PRIMARY KEY, note text)",
        "INSERT INTO a SELECT g, 'row ' || g FROM generate_series(1, 100) g",
        "CREATE TABLE b (id int PRIMARY KEY, note text)",
        "INSERT INTO b SELECT g, 'row ' || g FROM generate_series(1, 100) g",
        "CREATE PUBLICATION pub FOR TABLE a, b");
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void aDroppedApplySlotMakesEveryTableCopyAgain() throws Exception {
    Path config = config("lost");
    runUntilInSync(config);
    // changes made while the replicator is down live only in the slot, and the slot goes
    source.execute("INSERT INTO a SELECT g, 'while down' FROM generate_series(101, 150) g");
    source.execute("DELETE FROM b WHERE id <= 10");
    source.execute("SELECT pg_drop_replication_slot('etl_lost_apply')");

    runUntilInSync(config);
  }

  private void runUntilInSync(Path config) throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(config, env())) {
      awaitInSync(replicator);
      assertEquals(0, replicator.stop(), replicator.err());
    }
    for (String table : TABLES) {
      assertEquals(source.contentFingerprint("postgres", table), destination.contentFingerprint("postgres", table), table);
    }
  }

  private void awaitInSync(InProcessReplicator replicator) throws InterruptedException {
    await(replicator::ready, "ready");
    await(() -> TABLES.stream().allMatch(t ->
        source.contentFingerprint("postgres", t).equals(destination.contentFingerprint("postgres", t))),
        "destination equals source");
  }

  private static Map<String, String> env() {
    return TestPipelineConfig.PASSWORDS;
  }

  private Path config(String id) throws Exception {
    return TestPipelineConfig.postgresToPostgres(id, "pub", source, destination)
        .write(dir.resolve(id + ".yaml"));
  }
}
