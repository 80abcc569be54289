package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.PipelineStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's per-Pipeline gauges, so that one scrape of the operator covers every pipeline it
 * manages, whether or not its replicator runs (a paused, failing or never-started replicator
 * exports nothing itself). Fed with the status the reconciler has just computed, so /metrics and
 * {@code kubectl get pipeline} never disagree. Prometheus names, each with labels {@code namespace}
 * and {@code pipeline}:
 * <ul>
 *   <li>{@code etl_pipeline_ready}: 1 when the Ready condition is True;
 *   <li>{@code etl_pipeline_phase{phase}}: 1 for the current phase, 0 for the others;
 *   <li>{@code etl_pipeline_slot_lag_bytes}, {@code etl_pipeline_slot_active} (1/0),
 *       {@code etl_pipeline_slot_safe_wal_size_bytes}: the apply slot as pg_replication_slots shows it;
 *   <li>{@code etl_pipeline_slot_wal_status{wal_status}}: 1 for the slot's wal_status, 0 for the others;
 *   <li>{@code etl_pipeline_tables{state}}: tables ready, copying and errored.
 * </ul>
 * A slot not observed yet leaves its series at their last value or, before the first observation,
 * absent, rather than a 0 that would read as "no lag". Forgotten when the Pipeline is deleted.
 */
public final class PipelineGauges {
  static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");
  static final List<String> TABLE_STATES = List.of("ready", "copying", "errored");

  private final MeterRegistry registry;
  private final Map<String, PerPipeline> pipelines = new ConcurrentHashMap<>();

  public PipelineGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Gauges that go nowhere, for a reconciler run without an HTTP endpoint. */
  public static PipelineGauges unexported() {
    return new PipelineGauges(new SimpleMeterRegistry());
  }

  /** Sets the gauges of {@code pipeline} from the status just computed for it. */
  public void record(Pipeline pipeline, PipelineStatus status) {
    PerPipeline g = pipelines.computeIfAbsent(key(pipeline), k -> new PerPipeline(Tags.of(
        "namespace", pipeline.getMetadata().getNamespace(), "pipeline", pipeline.getMetadata().getName())));
    boolean ready = status.conditions.stream()
        .anyMatch(c -> PipelineStatusBuilder.READY.equals(c.getType()) && "True".equals(c.getStatus()));
    g.value("etl.pipeline.ready", Tags.empty(), "1 when the Pipeline's Ready condition is True").set(ready ? 1 : 0);
    for (PipelinePhase phase : PipelinePhase.values()) {
      g.value("etl.pipeline.phase", Tags.of("phase", phase.name()), "1 for the Pipeline's current phase")
          .set(phase == status.phase ? 1 : 0);
    }
    if (status.slot != null) {
      if (status.slot.lagBytes != null) {
        g.value("etl.pipeline.slot.lag.bytes", Tags.empty(), "WAL bytes the apply slot holds back").set(status.slot.lagBytes);
      }
      if (status.slot.active != null) {
        g.value("etl.pipeline.slot.active", Tags.empty(), "1 while a replicator streams from the apply slot")
            .set(status.slot.active ? 1 : 0);
      }
      if (status.slot.safeWalSizeBytes != null) {
        g.value("etl.pipeline.slot.safe.wal.size.bytes", Tags.empty(),
            "WAL bytes the slot may still fall behind before wal_status becomes lost").set(status.slot.safeWalSizeBytes);
      }
      for (String walStatus : WAL_STATUSES) {
        g.value("etl.pipeline.slot.wal.status", Tags.of("wal_status", walStatus), "1 for the apply slot's wal_status")
            .set(walStatus.equals(status.slot.walStatus) ? 1 : 0);
      }
    }
    if (status.tables != null) {
      g.value("etl.pipeline.tables", Tags.of("state", "ready"), "Tables of the Pipeline by state").set(status.tables.ready);
      g.value("etl.pipeline.tables", Tags.of("state", "copying"), "Tables of the Pipeline by state").set(status.tables.copying);
      g.value("etl.pipeline.tables", Tags.of("state", "errored"), "Tables of the Pipeline by state").set(status.tables.errored);
    }
  }

  /** Removes every series of {@code pipeline}: a deleted Pipeline is not a pipeline at 0. */
  public void forget(Pipeline pipeline) {
    PerPipeline g = pipelines.remove(key(pipeline));
    if (g != null) {
      g.meters.forEach(registry::remove);
    }
  }

  private static String key(Pipeline pipeline) {
    return pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
  }

  private final class PerPipeline {
    private final Tags tags;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final List<Meter> meters = new ArrayList<>();

    PerPipeline(Tags tags) {
      this.tags = tags;
    }

    synchronized AtomicLong value(String name, Tags extra, String description) {
      return values.computeIfAbsent(name + extra, k -> {
        AtomicLong value = new AtomicLong();
        meters.add(Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags.and(extra)).register(registry));
        return value;
      });
    }
  }
}
