package io.etl.operator.pipeline;

import io.etl.core.error.EtlException;
import io.etl.core.state.PipelineObservation;

/**
 * The result of reading a Pipeline's source.
 *
 * @param observation what the source says; null when it could not be read
 * @param connectFailure why the source could not be reached (wrong password, unreachable, ...)
 * @param preflightFailure why the replicator cannot run against a reachable source
 *     (wal_level, missing publication, role without REPLICATION, ...)
 */
public record SourceObservation(PipelineObservation observation, EtlException connectFailure, EtlException preflightFailure) {

  public boolean reachable() {
    return connectFailure == null;
  }
}
