package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the replicator recorded for one spec.resync request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResyncStatus {
  public String requestId;
  /** schema.table */
  public String table;
  /** started (copying again), done, errored (the copy failed, see detail) or unknown_table. */
  public String result;
  /** Why, when the result is errored or unknown_table. */
  public String detail;
  /** When the replicator took the request (RFC 3339). */
  public String requestedAt;
  /** When the table was ready again, or the request was refused (RFC 3339). */
  public String finishedAt;
}
