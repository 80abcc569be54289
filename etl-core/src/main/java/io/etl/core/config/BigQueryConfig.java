package io.etl.core.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where in BigQuery the data goes and how to authenticate.
 *
 * @param projectId the Google Cloud project that holds the dataset (and is billed for queries)
 * @param datasetId the dataset the replicated tables are created in
 * @param location the dataset's location, e.g. {@code US} or {@code europe-west1}; used when the
 *     dataset is created and checked against an existing one
 * @param maxStalenessMinutes the tables' {@code max_staleness}: how old the merged state of CDC
 *     changes a query may read (0 merges at query time, the freshest and the most expensive)
 * @param createDataset create the dataset when it does not exist (default false: a missing
 *     dataset is a configuration error)
 * @param credentials a service-account key JSON ({@code file}: the key file, {@code env}: the JSON
 *     itself); absent means Application Default Credentials
 * @param endpoints where to reach BigQuery instead of Google's public endpoints (an emulator, or
 *     Private Service Connect); absent for Google's
 */
public record BigQueryConfig(
    String projectId,
    String datasetId,
    String location,
    Integer maxStalenessMinutes,
    Boolean createDataset,
    SecretRef credentials,
    BigQueryEndpoints endpoints) {

  public static final int DEFAULT_MAX_STALENESS_MINUTES = 15;
  /** Up to a day, BigQuery's own limit for max_staleness on a CDC table. */
  public static final Range MAX_STALENESS_MINUTES = new Range(0, 24 * 60);
  public static final Range DATASET_ID_LENGTH = new Range(1, 1024);

  // https://cloud.google.com/resource-manager/docs/creating-managing-projects: 6-30 characters,
  // optionally behind a domain prefix ("example.com:my-project")
  private static final Pattern PROJECT = Pattern.compile("([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]");
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]+");

  public BigQueryConfig {
    maxStalenessMinutes = maxStalenessMinutes == null ? DEFAULT_MAX_STALENESS_MINUTES : maxStalenessMinutes;
    createDataset = createDataset != null && createDataset;
  }

  /** Every setting unset (the loader's defaults: Google's endpoints, Application Default Credentials) until one is given. */
  public static Builder builder() {
    return new Builder();
  }

  public void validate(String field, List<String> problems) {
    if (projectId == null || projectId.isBlank()) {
      problems.add(field + ".projectId is required");
    } else if (!PROJECT.matcher(projectId).matches()) {
      problems.add(field + ".projectId must be a Google Cloud project ID (6-30 lowercase letters, digits and"
          + " hyphens, starting with a letter), got '" + projectId + "'");
    }
    if (datasetId == null || datasetId.isBlank()) {
      problems.add(field + ".datasetId is required");
    } else if (!DATASET_ID_LENGTH.contains(datasetId.length())) {
      DATASET_ID_LENGTH.checkLength(field + ".datasetId", datasetId, problems);
    } else if (!DATASET.matcher(datasetId).matches()) {
      problems.add(field + ".datasetId may hold only letters, digits and underscores, got '" + datasetId + "'");
    }
    if (location != null && location.isBlank()) {
      problems.add(field + ".location must not be blank; leave it out to use the dataset's own location");
    }
    if (createDataset && (location == null || location.isBlank())) {
      problems.add(field + ".location is required when " + field + ".createDataset is true");
    }
    MAX_STALENESS_MINUTES.check(field + ".maxStalenessMinutes", maxStalenessMinutes, problems);
    if (credentials != null) {
      credentials.validate(field + ".credentials", problems);
    }
    if (endpoints != null) {
      endpoints.validate(field + ".endpoints", credentials != null, problems);
    }
  }

  /** A {@link BigQueryConfig} a setting at a time; what is not set gets the record's default. */
  public static final class Builder {
    private String projectId;
    private String datasetId;
    private String location;
    private Integer maxStalenessMinutes;
    private Boolean createDataset;
    private SecretRef credentials;
    private BigQueryEndpoints endpoints;

    private Builder() {}

    public Builder projectId(String projectId) {
      this.projectId = projectId;
      return this;
    }

    public Builder datasetId(String datasetId) {
      this.datasetId = datasetId;
      return this;
    }

    public Builder location(String location) {
      this.location = location;
      return this;
    }

    public Builder maxStalenessMinutes(Integer maxStalenessMinutes) {
      this.maxStalenessMinutes = maxStalenessMinutes;
      return this;
    }

    public Builder createDataset(Boolean createDataset) {
      this.createDataset = createDataset;
      return this;
    }

    public Builder credentials(SecretRef credentials) {
      this.credentials = credentials;
      return this;
    }

    public Builder endpoints(BigQueryEndpoints endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    public BigQueryConfig build() {
      return new BigQueryConfig(projectId, datasetId, location, maxStalenessMinutes, createDataset, credentials, endpoints);
    }
  }
}
