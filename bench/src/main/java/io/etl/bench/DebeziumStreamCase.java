package io.etl.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's embedded engine with its PostgreSQL connector (pgoutput) consuming the same backlog
 * from a slot of its own, created before the load, into a consumer that only counts. Timed from
 * start-up until the marker row's record arrives. Runs in a child JVM of its own. No snapshot of
 * data ({@code snapshot.mode=no_data}), offsets in memory; otherwise Debezium's defaults.
 */
final class DebeziumStreamCase {
  static final String SLOT = "bench_debezium";

  private final Endpoints endpoints;

  DebeziumStreamCase(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  Measurement run(long events) throws Exception {
    CountingChangeConsumer consumer = new CountingChangeConsumer(SourceData.MARKER_TABLE);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<String> endMessage = new AtomicReference<>();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    Stopwatch stopwatch = Stopwatch.start();
    Measurement measured;
    try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(properties())
        .notifying(consumer)
        .using((success, message, error) -> {
          endMessage.set(message);
          failure.set(error);
        })
        .build()) {
      executor.execute(engine);
      while (!consumer.awaitMarker(20)) {
        if (endMessage.get() != null) {
          throw new IllegalStateException("Debezium stopped before the marker: " + endMessage.get(), failure.get());
        }
      }
      measured = stopwatch.ownJvm(events, consumer.firstRecordNanos());
    } finally {
      executor.shutdown();
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }
    // every change of the load, and the marker row
    Checks.warnUnless(consumer.changes() == events + 1,
        "Debezium delivered " + consumer.changes() + " change records, expected " + (events + 1));
    return measured;
  }

  private Properties properties() {
    Properties p = new Properties();
    p.setProperty("name", "bench-debezium");
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    p.setProperty("database.hostname", "localhost");
    p.setProperty("database.port", String.valueOf(endpoints.sourcePort()));
    p.setProperty("database.user", Endpoints.USER);
    p.setProperty("database.password", Endpoints.PASSWORD);
    p.setProperty("database.dbname", Endpoints.DATABASE);
    p.setProperty("database.sslmode", "disable");
    p.setProperty("topic.prefix", "bench");
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", SLOT);
    p.setProperty("publication.name", SourceData.STREAM_PUBLICATION);
    p.setProperty("publication.autocreate.mode", "disabled");
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("table.include.list", "public\\.pgbench_.*,public\\." + SourceData.MARKER_TABLE);
    return p;
  }
}
