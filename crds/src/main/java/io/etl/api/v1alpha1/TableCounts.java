package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableCounts {
  public Integer total;
  public Integer ready;
  public Integer copying;
  public Integer errored;

  @JsonPropertyDescription("ready/total, e.g. 4/5.")
  public String summary;
}
