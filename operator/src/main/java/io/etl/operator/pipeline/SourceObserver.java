package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.core.error.EtlException;
import io.etl.core.replication.SlotNames;
import io.etl.core.source.PostgresErrors;
import io.etl.core.source.SourcePreflight;
import io.etl.core.state.PipelineStateReader;
import io.etl.operator.support.PostgresAccess;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The observe step: reads the Pipeline's slot and table states from the source database with
 * the same checks the replicator runs at start-up, so the status says what the replicator would.
 */
public final class SourceObserver {
  /**
   * How long one read may wait on the server: the queries are small catalog reads, and a
   * server that does not answer in this time is reported as such instead of holding an
   * observer thread for the connector's default of 600 s.
   */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  private final SourcePreflight preflight = new SourcePreflight();

  public SourceObservation observe(Pipeline pipeline, String password, String caPem) {
    String id = pipeline.pipelineId();
    try (PostgresAccess access = PostgresAccess.open("source", pipeline.getSpec().source, password, caPem)) {
      try {
        access.connection().setNetworkTimeout(Runnable::run, (int) QUERY_TIMEOUT.toMillis());
      } catch (SQLException e) {
        throw PostgresErrors.forConnection("source", access.connection()).classify(e);
      }
      EtlException preflightFailure = null;
      try {
        preflight.check(access.connection(), pipeline.getSpec().publication, SlotNames.apply(id));
      } catch (EtlException e) {
        preflightFailure = e;
      }
      try {
        return new SourceObservation(PipelineStateReader.read(access.connection(), id, pipeline.getSpec().publication),
            null, preflightFailure);
      } catch (SQLException e) {
        throw PostgresErrors.forConnection("source", access.connection()).classify(e);
      }
    } catch (EtlException e) {
      return new SourceObservation(null, e, null);
    }
  }
}
