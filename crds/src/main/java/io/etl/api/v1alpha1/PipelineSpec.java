package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.pipelineId) ? self.pipelineId : '') == (has(oldSelf.pipelineId) ? oldSelf.pipelineId : '')",
    message = "spec.pipelineId is immutable: it names the pipeline's replication slots and state; create a new Pipeline instead")
@ValidationRule(
    value = "self.source.database == oldSelf.source.database",
    message = "spec.source.database is immutable: the replication slots and state live in that database; create a new Pipeline instead")
public class PipelineSpec {
  @Pattern("^[a-z0-9_]{1,40}$")
  @JsonPropertyDescription("Id of the pipeline in the source database: names its replication slots (etl_<id>_apply) and its"
      + " rows in schema etl. 1-40 of a-z, 0-9 and _. Defaults to metadata.name with - turned into _. Immutable.")
  public String pipelineId;

  @Required
  @JsonPropertyDescription("The source PostgreSQL server (wal_level=logical) and the role the replicator uses. database is immutable.")
  public PostgresEndpoint source;

  @Required
  @Pattern("^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
  @JsonPropertyDescription("The publication whose tables are replicated.")
  public String publication;

  @Required
  @JsonPropertyDescription("The Destination, in the same namespace, the tables are written to.")
  public LocalObjectRef destinationRef;

  @JsonPropertyDescription("Stop the replicator (scale to 0) and keep its slot, so it resumes where it stopped.")
  public Boolean paused;

  @JsonPropertyDescription("On deletion, Delete (default) drops the replication slots and the pipeline's state; Retain keeps them.")
  public SlotReclaimPolicy slotReclaimPolicy;

  public BatchSpec batch;

  public TableSyncSpec tableSync;

  public RetrySpec retry;

  @Min(0)
  @Max(3600)
  @JsonPropertyDescription("Seconds between heartbeat messages that keep the slot moving on an idle database; 0 turns them off.")
  public Integer heartbeatIntervalSeconds;

  public ReplicatorPodSpec replicator;

  /** Also etl-core's ResyncRequest.MAX_REQUESTS. */
  public static final int MAX_RESYNC_REQUESTS = 50;

  @Size(max = MAX_RESYNC_REQUESTS)
  @ValidationRule(value = "self.all(r, self.exists_one(s, s.requestId == r.requestId))",
      message = "every spec.resync requestId must be unique: give each request its own")
  @JsonPropertyDescription("Tables to copy again from scratch (destination table emptied first), each request once by"
      + " its requestId; also retries an errored table. Results are in status.resyncs.")
  public List<TableResync> resync;

  public boolean isPaused() {
    return Boolean.TRUE.equals(paused);
  }

  public SlotReclaimPolicy slotReclaimPolicyOrDefault() {
    return slotReclaimPolicy == null ? SlotReclaimPolicy.Delete : slotReclaimPolicy;
  }
}
