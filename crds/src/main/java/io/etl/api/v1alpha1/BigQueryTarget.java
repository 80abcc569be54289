package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A BigQuery dataset written through the Storage Write API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BigQueryTarget {
  @Required
  @Pattern("^[a-z][-a-z0-9:.]{4,61}[a-z0-9]$")
  @JsonPropertyDescription("Google Cloud project id.")
  public String projectId;

  @Required
  // the length as a bound, not in the pattern: the API server's regex engine (RE2) allows repeat counts up to 1000
  @Pattern("^[A-Za-z0-9_]+$")
  @Size(min = 1, max = 1024)
  @JsonPropertyDescription("Dataset the tables are written to.")
  public String datasetId;

  @JsonPropertyDescription("Dataset location, e.g. US or europe-west1; used when the dataset is created.")
  public String location;

  @Min(0)
  @Max(1440)
  @JsonPropertyDescription("max_staleness of the tables in minutes: how stale a query may read, in exchange for cheaper upserts.")
  public Integer maxStalenessMinutes;

  @JsonPropertyDescription("Create the dataset when it does not exist.")
  public Boolean createDataset;

  @JsonPropertyDescription("Secret key holding a service-account key (JSON); Application Default Credentials when unset.")
  public SecretKeyRef credentialsSecretRef;
}
