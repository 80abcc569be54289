package io.etl.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
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
    HeartbeatConfig heartbeat,
    // left out when empty, so a config without requests renders (and hashes) as it did before them
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ResyncRequest> resync) {

  public PipelineConfig {
    batch = batch == null ? BatchConfig.DEFAULT : batch;
    tableSync = tableSync == null ? TableSyncConfig.DEFAULT : tableSync;
    retry = retry == null ? RetryConfig.DEFAULT : retry;
    stateStore = stateStore == null ? StateStoreConfig.DEFAULT : stateStore;
    http = http == null ? HttpConfig.DEFAULT : http;
    log = log == null ? LogConfig.DEFAULT : log;
    replication = replication == null ? ReplicationConfig.DEFAULT : replication;
    heartbeat = heartbeat == null ? HeartbeatConfig.DEFAULT : heartbeat;
    // a list, unlike a block, has no defaults to fill in: absent and empty mean the same
    resync = resync == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(resync)); // nulls kept for problems()
  }

  /** Every setting unset (the loader's defaults) until one is given; pipeline, source and destination are required. */
  public static Builder builder() {
    return new Builder();
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
    ResyncRequest.validate(resync, problems);
    return problems;
  }

  public String applySlotName() {
    return io.etl.core.replication.SlotNames.apply(pipeline.id());
  }

  public String tableSyncSlotName(int tableOid) {
    return io.etl.core.replication.SlotNames.tableSync(pipeline.id(), tableOid);
  }

  /**
   * A {@link PipelineConfig} a block at a time, for tests and for the operator's rendering; what
   * is not set gets the default the loader gives a missing block.
   */
  public static final class Builder {
    private PipelineSettings pipeline;
    private PostgresConnectionConfig source;
    private DestinationConfig destination;
    private BatchConfig batch;
    private TableSyncConfig tableSync;
    private RetryConfig retry;
    private StateStoreConfig stateStore;
    private HttpConfig http;
    private LogConfig log;
    private ReplicationConfig replication;
    private HeartbeatConfig heartbeat;
    private List<ResyncRequest> resync;

    private Builder() {}

    public Builder pipeline(String id, String publication) {
      return pipeline(new PipelineSettings(id, publication));
    }

    public Builder pipeline(PipelineSettings pipeline) {
      this.pipeline = pipeline;
      return this;
    }

    public Builder source(PostgresConnectionConfig source) {
      this.source = source;
      return this;
    }

    public Builder destination(DestinationConfig destination) {
      this.destination = destination;
      return this;
    }

    public Builder batch(BatchConfig batch) {
      this.batch = batch;
      return this;
    }

    public Builder tableSync(TableSyncConfig tableSync) {
      this.tableSync = tableSync;
      return this;
    }

    public Builder retry(RetryConfig retry) {
      this.retry = retry;
      return this;
    }

    public Builder stateStore(StateStoreConfig stateStore) {
      this.stateStore = stateStore;
      return this;
    }

    public Builder http(HttpConfig http) {
      this.http = http;
      return this;
    }

    public Builder log(LogConfig log) {
      this.log = log;
      return this;
    }

    public Builder replication(ReplicationConfig replication) {
      this.replication = replication;
      return this;
    }

    public Builder heartbeat(HeartbeatConfig heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder resync(List<ResyncRequest> resync) {
      this.resync = resync;
      return this;
    }

    public PipelineConfig build() {
      return new PipelineConfig(pipeline, source, destination, batch, tableSync, retry, stateStore, http, log, replication, heartbeat,
          resync);
    }
  }
}
