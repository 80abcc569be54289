package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How changes are grouped before they are written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BatchSpec {
  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("Most changed rows (and truncates) per destination write; begin, commit and schema"
      + " messages are not counted.")
  public Integer maxEvents;

  @Min(1)
  @Max(600000)
  @JsonPropertyDescription("Longest a batch waits to fill, in milliseconds.")
  public Integer maxFillMs;
}
