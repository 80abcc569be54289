package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'postgres' ? (has(self.postgres) && !has(self.bigquery)) : (has(self.bigquery) && !has(self.postgres))",
    message = "exactly one destination block must be set, the one named by spec.type (spec.postgres for postgres, spec.bigquery for bigquery)")
public class DestinationSpec {
  @Required
  @JsonPropertyDescription("Kind of destination: postgres or bigquery.")
  public DestinationType type;

  @JsonPropertyDescription("A PostgreSQL database; required when type is postgres.")
  public PostgresEndpoint postgres;

  @JsonPropertyDescription("A BigQuery dataset; required when type is bigquery.")
  public BigQueryTarget bigquery;
}
