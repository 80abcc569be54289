package io.etl.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request to copy one table again from scratch (the destination table emptied first). The
 * replicator performs a requestId once, ever, and records it in the state store: the request can
 * stay in the config (in Git) without being repeated at every start.
 *
 * @param table {@code schema.table}, as /status and the Pipeline's status name it
 * @param requestId names the request; a new re-sync of the same table needs a new one
 */
public record ResyncRequest(String table, String requestId) {
  /** The CRD's rule for spec.resync[].table (TableResync.TABLE); the operator's tests check that the two agree. */
  public static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}[.][A-Za-z_][A-Za-z0-9_$]{0,62}");
  /** The CRD's rule for spec.resync[].requestId (TableResync.REQUEST_ID): a DNS label, dots allowed. */
  public static final Pattern REQUEST_ID = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
  /** Lengths {@link #TABLE} and {@link #REQUEST_ID} allow: the CRD states them as minLength/maxLength. */
  public static final Range TABLE_LENGTH = new Range(3, 127);
  public static final Range REQUEST_ID_LENGTH = new Range(1, 63);
  /** The CRD's maxItems for spec.resync. */
  public static final int MAX_REQUESTS = 50;

  static void validate(List<ResyncRequest> requests, List<String> problems) {
    if (requests.size() > MAX_REQUESTS) {
      problems.add("resync holds " + requests.size() + " requests, at most " + MAX_REQUESTS
          + " are allowed; remove those status.resyncs shows as done");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      ResyncRequest r = requests.get(i);
      String where = "resync[" + i + "]";
      if (r == null) {
        problems.add(where + " is empty; give it a table and a requestId");
        continue;
      }
      if (r.table() == null || !TABLE.matcher(r.table()).matches()) {
        problems.add(where + ".table must be schema.table (PostgreSQL names), got "
            + (r.table() == null ? "nothing" : "'" + r.table() + "'"));
      }
      if (r.requestId() == null || !REQUEST_ID.matcher(r.requestId()).matches()) {
        problems.add(where + ".requestId must be 1-63 of a-z, 0-9, - and . starting and ending with a letter or digit, got "
            + (r.requestId() == null ? "nothing" : "'" + r.requestId() + "'"));
      } else if (!ids.add(r.requestId())) {
        problems.add(where + ".requestId '" + r.requestId() + "' is used twice; give each request its own");
      }
    }
  }
}
