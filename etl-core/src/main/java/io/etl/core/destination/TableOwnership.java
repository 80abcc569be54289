package io.etl.core.destination;

import io.etl.core.error.EtlException;
import io.etl.core.schema.TableId;

/**
 * A destination drops, recreates or empties only tables its pipeline created and marked as its
 * own: pointing a pipeline at a database that already has a table of that name must never cost
 * the user that table. This is the one wording of the refusal, for every destination.
 */
public final class TableOwnership {
  private TableOwnership() {}

  /**
   * The table goes {@code errored} with this (fatal, so the other tables go on).
   *
   * @param destinationTable the table's name in the destination
   * @param owner the pipeline that created it, or null when no pipeline did
   */
  public static EtlException notOurs(TableId source, String destinationTable, String pipelineId, String owner) {
    return EtlException.fatal("destination_table_not_ours",
        "destination table " + destinationTable + " (for source table " + source + ") already exists and was "
            + (owner == null ? "not created by this pipeline" : "created by pipeline " + owner + ", not " + pipelineId)
            + "; the replicator never drops or empties a table it did not create",
        "drop or rename that table in the destination (or replicate into another database or dataset), then retry the"
            + " table", null);
  }
}
