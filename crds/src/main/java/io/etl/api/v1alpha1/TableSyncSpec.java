package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The initial copy of tables. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableSyncSpec {
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Tables copied at the same time.")
  public Integer maxWorkers;

  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Parallel ranges a large table is split into.")
  public Integer rangesPerTable;
}
