package io.etl.core.sync;

import io.etl.core.destination.WriteReport;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.TableId;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pipeline does when a destination reports UPDATEs or DELETEs that matched no row. A
 * replayed change never reaches the destination twice (positions skip it), so such a change means
 * the destination table has drifted from the source: a row deleted or its key changed there by
 * hand, say. Counted per table ({@code etl_unmatched_changes_total}, {@code /status}, the state
 * store for the operator) with one warning per table; with {@code destination.unmatchedChanges:
 * error} the table also goes errored, waiting for a retry that copies it again. Erroring after
 * the batch loses nothing: a change that matched no row changed nothing.
 */
public final class UnmatchedChanges {
  private static final Logger log = LoggerFactory.getLogger(UnmatchedChanges.class);

  private final TableStates tables;
  private final EtlMetrics metrics;
  private final boolean errorTheTable;

  public UnmatchedChanges(TableStates tables, EtlMetrics metrics, boolean errorTheTable) {
    this.tables = tables;
    this.metrics = metrics;
    this.errorTheTable = errorTheTable;
  }

  public void record(WriteReport report) {
    for (Map.Entry<Integer, Long> e : report.unmatchedChanges().entrySet()) {
      int oid = e.getKey();
      TableId name = tables.name(oid);
      String table = name == null ? Integer.toUnsignedString(oid) : name.toString();
      long before = tables.addUnmatchedChanges(oid, e.getValue());
      metrics.unmatchedChanges(table, e.getValue());
      String what = e.getValue() + " UPDATE or DELETE changes of " + table + " matched no row in the destination";
      if (errorTheTable) {
        log.error("table {} errored: {}", table, what);
        metrics.error("fatal", "destination_drifted");
        tables.errored(oid, what + ": the destination table has drifted from the source (rows changed or deleted there"
                + " other than by this pipeline?)",
            "retry the table to copy it again; set destination.unmatchedChanges: count to only count such changes");
      } else if (before == 0) {
        log.warn("{}: the destination table has drifted from the source (rows changed or deleted there other than by"
            + " this pipeline?). Counted in etl_unmatched_changes_total and /status; retry the table to copy it again."
            + " This warning is given once per table.", what);
      }
    }
  }
}
