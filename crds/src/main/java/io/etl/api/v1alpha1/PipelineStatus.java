package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PipelineStatus {
  /** How many tables the per-table list holds at most; the counts cover all of them. */
  public static final int MAX_LISTED_TABLES = 100;
  /** How many spec.resync results the status lists at most, newest first. */
  public static final int MAX_LISTED_RESYNCS = 20;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  public PipelinePhase phase;

  @JsonPropertyDescription("Ready, Reconciling, Stalled (kstatus), SourceReachable, SlotHealthy.")
  public List<Condition> conditions = new ArrayList<>();

  public SlotStatus slot;

  public TableCounts tables;

  @JsonPropertyDescription("Per-table state, errored tables first, at most 100 entries.")
  public List<TableStatus> tableStates;

  @JsonPropertyDescription("What the replicator did with spec.resync requests, newest first, at most 20 entries.")
  public List<ResyncStatus> resyncs;

  @JsonPropertyDescription("Config hash of the replicator pod template currently rendered.")
  public String configHash;

  @JsonPropertyDescription("When the source was last read for this status (RFC 3339).")
  public String lastObservedTime;
}
