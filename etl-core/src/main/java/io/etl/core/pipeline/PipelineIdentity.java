package io.etl.core.pipeline;

import io.etl.core.source.SourceIdentity;

/**
 * What a destination's positions belong to: the pipeline id, the source it reads and the
 * incarnation of its apply slot. A destination skips everything at or before the position it
 * holds for a stream, so a stream id must never be shared: not by two pipelines of the same id
 * on two sources, not by a source rebuilt with lower positions, not by a recreated slot (after a
 * fail-over to a replica that was behind, positions start lower on the same system identifier).
 *
 * @param incarnation the apply slot's, recorded in the state store when the slot was created;
 *     null for a slot an earlier version created, which keeps the stream ids it wrote then
 */
public record PipelineIdentity(String pipelineId, SourceIdentity source, String incarnation) {

  /** The stream of the apply worker. */
  public String applyStream() {
    return base() + "/apply";
  }

  /** The stream of one table's catch-up. */
  public String tableSyncStream(int tableOid) {
    // the earlier versions' ids printed the OID signed; kept so their positions still match
    return base() + "/sync_" + (incarnation == null ? Integer.toString(tableOid) : Integer.toUnsignedString(tableOid));
  }

  private String base() {
    return incarnation == null
        ? pipelineId
        : pipelineId + "@" + source.systemId() + "/" + source.database() + "/" + incarnation;
  }
}
