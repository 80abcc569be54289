package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PostgresEndpoint;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * Which Pipeline owns a pipeline id on a source server. Slot names ({@code etl_<id>_apply}) are
 * unique per server and the state store is keyed by the id, so two Pipelines of one id on one
 * server (the same name in two namespaces, say) would take each other's slot and state. The
 * oldest claim wins; the others get no replicator and a condition saying which Pipeline holds the id.
 */
final class PipelineIdClaims {
  private static final Comparator<Pipeline> OLDEST_FIRST = Comparator
      .comparing((Pipeline p) -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp())
      .thenComparing(p -> p.getMetadata().getNamespace())
      .thenComparing(p -> p.getMetadata().getName());

  private PipelineIdClaims() {}

  /** The Pipeline that holds {@code pipeline}'s id on its source server, if another one does. */
  static Optional<Pipeline> heldByAnother(Pipeline pipeline, Collection<Pipeline> all) {
    String server = server(pipeline);
    String id = pipeline.pipelineId();
    return all.stream()
        .filter(other -> other.getSpec() != null && other.getSpec().source != null)
        .filter(other -> id.equals(other.pipelineId()) && server.equals(server(other)))
        .min(OLDEST_FIRST)
        .filter(owner -> !owner.getMetadata().getUid().equals(pipeline.getMetadata().getUid()));
  }

  /** Host and port as written; two spellings of one server are caught by the replicator's own lock instead. */
  private static String server(Pipeline pipeline) {
    PostgresEndpoint source = pipeline.getSpec().source;
    return source.host.toLowerCase(Locale.ROOT) + ":" + source.portOrDefault();
  }
}
