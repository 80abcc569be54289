package io.etl.core.config;

import java.util.ArrayList;
import java.util.List;

/** Everything a replicator needs to run one pipeline; read from the pipeline YAML. */
public record PipelineConfig(
    PipelineSettings pipeline,
    PostgresConnectionConfig source,
    DestinationConfig destination,
    BatchConfig batch,
    TableSyncConfig tableSync,
    RetryConfig retry,
    StateStoreConfig stateStore,
    HttpConfig http,
    LogConfig log,
    ReplicationConfig replication,
    HeartbeatConfig heartbeat) {

  public PipelineConfig {
    batch = batch == null ? BatchConfig.DEFAULT : batch;
    tableSync = tableSync == null ? TableSyncConfig.DEFAULT : tableSync;
    retry = retry == null ? RetryConfig.DEFAULT : retry;
    stateStore = stateStore == null ? StateStoreConfig.DEFAULT : stateStore;
    http = http == null ? HttpConfig.DEFAULT : http;
    log = log == null ? LogConfig.DEFAULT : log;
    replication = replication == null ? ReplicationConfig.DEFAULT : replication;
    heartbeat = heartbeat == null ? HeartbeatConfig.DEFAULT : heartbeat;
  }

  /** Every setting but replication and the heartbeat, which get their defaults. */
  public PipelineConfig(
      PipelineSettings pipeline,
      PostgresConnectionConfig source,
      DestinationConfig destination,
      BatchConfig batch,
      TableSyncConfig tableSync,
      RetryConfig retry,
      StateStoreConfig stateStore,
      HttpConfig http,
      LogConfig log) {
    this(pipeline, source, destination, batch, tableSync, retry, stateStore, http, log, null, null);
  }

  /** Every problem with this configuration, each naming the field; empty when valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (pipeline == null) {
      problems.add("pipeline (id, publication) is required");
    } else {
      pipeline.validate(problems);
    }
    if (source == null) {
      problems.add("source (host, port, database, user, password) is required");
    } else {
      source.validate("source", problems);
    }
    if (destination == null) {
      problems.add("destination (type and its block) is required");
    } else {
      destination.validate(problems);
    }
    batch.validate(problems);
    tableSync.validate(problems);
    retry.validate(problems);
    stateStore.validate(problems);
    http.validate(problems);
    log.validate(problems);
    replication.validate(problems);
    heartbeat.validate(problems);
    return problems;
  }

  public String applySlotName() {
    return io.etl.core.replication.SlotNames.apply(pipeline.id());
  }

  public String tableSyncSlotName(int tableOid) {
    return io.etl.core.replication.SlotNames.tableSync(pipeline.id(), tableOid);
  }
}
