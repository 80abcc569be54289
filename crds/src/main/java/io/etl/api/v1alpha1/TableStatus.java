package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One table of the publication. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableStatus {
  /** schema.table */
  public String name;
  /** init, data_sync, finished_copy, sync_done, ready or errored. */
  public String state;
  public Long rowsCopied;
  /**
   * UPDATEs and DELETEs that matched no destination row since the table's copy: the destination
   * table drifted from the source. Unset when there were none.
   */
  public Long unmatchedChanges;
  /** Why the table is errored, and how to fix it. */
  public String reason;
}
