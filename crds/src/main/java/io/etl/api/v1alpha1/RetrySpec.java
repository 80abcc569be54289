package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Backoff between retries of retryable faults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.initialBackoffMs) || !has(self.maxBackoffMs) || self.initialBackoffMs <= self.maxBackoffMs",
    message = "retry.initialBackoffMs must not be larger than retry.maxBackoffMs")
public class RetrySpec {
  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription("First wait, in milliseconds.")
  public Long initialBackoffMs;

  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription("Longest wait, in milliseconds.")
  public Long maxBackoffMs;
}
