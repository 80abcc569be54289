package io.etl.core.replication;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of a pipeline's replication slots, in one place because the operator drops exactly
 * these on deletion: {@code etl_<id>_apply} and {@code etl_<id>_sync_<table oid>}.
 *
 * <p>Slots are always matched by exact name or by the anchored {@link #ownedPattern}, never by
 * prefix: {@code etl_orders_sync_} (the sync slots of pipeline {@code orders}) is also the start
 * of {@code etl_orders_sync_apply}, the apply slot of pipeline {@code orders_sync}.
 */
public final class SlotNames {
  private SlotNames() {}

  public static String apply(String pipelineId) {
    return "etl_" + pipelineId + "_apply";
  }

  public static String tableSync(String pipelineId, int tableOid) {
    return "etl_" + pipelineId + "_sync_" + Integer.toUnsignedString(tableOid);
  }

  /**
   * A POSIX regular expression (PostgreSQL's {@code ~}) matching this pipeline's table sync
   * slots and nothing else.
   */
  public static String tableSyncPattern(String pipelineId) {
    return "^etl_" + pipelineId + "_sync_[0-9]+$";
  }

  /** As {@link #tableSyncPattern}, for the apply slot and the table sync slots together. */
  public static String ownedPattern(String pipelineId) {
    return "^etl_" + pipelineId + "_(apply|sync_[0-9]+)$";
  }

  /** The table OID of {@code slotName} if it is one of this pipeline's table sync slots. */
  public static OptionalInt tableSyncOid(String pipelineId, String slotName) {
    Matcher m = Pattern.compile("etl_" + Pattern.quote(pipelineId) + "_sync_([0-9]{1,10})").matcher(slotName);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    long oid = Long.parseLong(m.group(1));
    return oid > 0xFFFFFFFFL ? OptionalInt.empty() : OptionalInt.of((int) oid);
  }
}
