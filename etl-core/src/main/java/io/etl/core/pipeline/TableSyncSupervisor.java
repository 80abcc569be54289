package io.etl.core.pipeline;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.schema.TableId;
import io.etl.core.source.PostgresConnector;
import io.etl.core.source.SourceCatalog;
import io.etl.core.sync.TableStates;
import io.etl.core.sync.UnmatchedChanges;
import io.etl.core.sync.TableSyncWorker;
import io.etl.core.sync.TrackedSchemas;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a sync worker running for every table that needs one, while the apply worker streams:
 * tables at start-up, tables added to the publication, tables a schema change or a user's retry
 * sent back to INIT. A table whose sync fails with a retryable fault is retried on its own after
 * a backoff; the apply worker and the other tables go on. Tables removed from the publication are
 * let go and their sync slots dropped. Called on a timer from one thread.
 */
final class TableSyncSupervisor {
  private static final Logger log = LoggerFactory.getLogger(TableSyncSupervisor.class);

  private final PipelineConfig config;
  private final PipelineIdentity identity;
  private final UnmatchedChanges unmatched;
  private final PostgresConnector source;
  private final Destination destination;
  private final TableStates tables;
  private final TrackedSchemas schemas;
  private final EtlMetrics metrics;
  private final ExecutorService pool;
  private final Map<Integer, Future<?>> running = new HashMap<>();
  private final Map<Integer, Backoff> backoffs = new HashMap<>();
  private final Map<Integer, Long> notBeforeMs = new HashMap<>();
  private final Map<Integer, Throwable> failures = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<Integer> slotsToDrop = new HashSet<>();
  private long nextRefreshMs;

  TableSyncSupervisor(PipelineConfig config, PipelineIdentity identity, PostgresConnector source, Destination destination,
      TableStates tables, TrackedSchemas schemas, EtlMetrics metrics, UnmatchedChanges unmatched, ExecutorService pool) {
    this.config = config;
    this.identity = identity;
    this.unmatched = unmatched;
    this.source = source;
    this.destination = destination;
    this.tables = tables;
    this.schemas = schemas;
    this.metrics = metrics;
    this.pool = pool;
    this.nextRefreshMs = System.currentTimeMillis() + config.tableSync().publicationRefreshMs();
  }

  /** One round: reap finished workers, follow the publication when due, start what is missing. */
  void tick() {
    long now = System.currentTimeMillis();
    reapFinished(now);
    if (now >= nextRefreshMs) {
      nextRefreshMs = now + config.tableSync().publicationRefreshMs();
      followPublication();
    }
    for (int oid : tables.tablesNeedingSync()) {
      if (!running.containsKey(oid) && now >= notBeforeMs.getOrDefault(oid, 0L)) {
        start(oid);
      }
    }
  }

  private void start(int oid) {
    TableSyncWorker worker =
        new TableSyncWorker(oid, config, identity.tableSyncStream(oid), source, destination, tables, schemas, metrics,
            unmatched);
    running.put(oid, pool.submit(() -> {
      try {
        worker.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        failures.put(oid, t);
      }
      return null;
    }));
  }

  private void reapFinished(long now) {
    running.entrySet().removeIf(e -> {
      if (!e.getValue().isDone()) {
        return false;
      }
      int oid = e.getKey();
      Throwable failure = failures.remove(oid);
      Backoff backoff = backoffs.computeIfAbsent(oid, k -> new Backoff(config.retry()));
      if (failure == null) {
        backoff.reset();
        return true;
      }
      long delay = backoff.nextDelayMs();
      String category = failure instanceof EtlException etl ? etl.category() : "table_sync_failed";
      metrics.retry(category);
      log.warn("table {}: sync failed ({}); retrying it in {} ms (attempt {})", tables.name(oid),
          failure instanceof EtlException ? failure.getMessage() : failure.toString(), delay, backoff.attempts());
      notBeforeMs.put(oid, now + delay);
      return true;
    });
  }

  /** New tables in the publication start at INIT; tables that left it are let go. */
  private void followPublication() {
    try (Connection c = source.open()) {
      Map<Integer, TableId> published = new SourceCatalog().publishedTableNames(c, config.pipeline().publication());
      for (Map.Entry<Integer, TableId> table : published.entrySet()) {
        if (tables.get(table.getKey()) == null) {
          log.info("table {} was added to publication {}; copying it", table.getValue(), config.pipeline().publication());
          tables.add(table.getKey(), table.getValue());
        }
      }
      for (int oid : Set.copyOf(tables.snapshot().keySet())) {
        if (!published.containsKey(oid)) {
          log.info("table {} left publication {}; no longer replicated (its destination table is kept)",
              tables.name(oid), config.pipeline().publication());
          Future<?> worker = running.remove(oid);
          if (worker != null) {
            worker.cancel(true);
          }
          tables.remove(oid);
          slotsToDrop.add(oid);
        }
      }
      slotsToDrop.removeIf(oid -> dropSyncSlot(c, oid));
    } catch (SQLException | EtlException e) {
      // the apply worker meets the same fault and restarts the pipeline; nothing to add here
      log.debug("could not read publication {}: {}", config.pipeline().publication(), e.getMessage());
    }
  }

  private boolean dropSyncSlot(Connection c, int oid) {
    try {
      ReplicationSlots.dropIfExists(c, config.tableSyncSlotName(oid));
      return true;
    } catch (SQLException | RuntimeException e) {
      log.debug("sync slot of table {} not dropped yet: {}", oid, e.getMessage());
      return false;
    }
  }

  void stop() {
    running.values().forEach(f -> f.cancel(true));
  }
}
