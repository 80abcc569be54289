package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A request to copy one table again from scratch. The replicator performs each requestId once
 * and remembers it in the source database, so re-applying the same manifest does nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableResync {
  /** Also etl-core's ResyncRequest.TABLE; the operator's tests check that the two agree. */
  public static final String TABLE = "^[A-Za-z_][A-Za-z0-9_$]{0,62}[.][A-Za-z_][A-Za-z0-9_$]{0,62}$";
  /** Also etl-core's ResyncRequest.REQUEST_ID. */
  public static final String REQUEST_ID = "^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$";

  @Required
  @Size(min = 3, max = 127)
  @Pattern(TABLE)
  @JsonPropertyDescription("The table to copy again, as schema.table (the name status.tableStates shows).")
  public String table;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(REQUEST_ID)
  @JsonPropertyDescription("Names this request; a requestId is performed once, ever, so a new re-sync needs a new one"
      + " (e.g. 2026-12-02-orders). 1-63 of a-z, 0-9, - and ., starting and ending with a letter or digit.")
  public String requestId;

  public TableResync() {}

  public TableResync(String table, String requestId) {
    this.table = table;
    this.requestId = requestId;
  }
}
