package io.etl.core.replication;

/**
 * Names of a pipeline's replication slots, in one place because the operator drops exactly
 * these on deletion: {@code etl_<id>_apply} and {@code etl_<id>_sync_<table oid>}.
 */
public final class SlotNames {
  private SlotNames() {}

  public static String apply(String pipelineId) {
    return "etl_" + pipelineId + "_apply";
  }

  public static String tableSync(String pipelineId, int tableOid) {
    return tableSyncPrefix(pipelineId) + Integer.toUnsignedString(tableOid);
  }

  public static String tableSyncPrefix(String pipelineId) {
    return "etl_" + pipelineId + "_sync_";
  }
}
