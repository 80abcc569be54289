package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.core.state.PipelineObservation;
import io.etl.core.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-Pipeline series a scrape of the operator shows, from the status the builder computes. */
class PipelineGaugesTest {
  private static final PipelineInputs OK = new PipelineInputs.Ready(ReplicatorRenderingTest.destination(), null);
  private static final String NAMESPACE = "namespace=\"" + ReplicatorRenderingTest.pipeline().getMetadata().getNamespace() + "\"";
  private static final String PIPELINE = "pipeline=\"" + ReplicatorRenderingTest.pipeline().getMetadata().getName() + "\"";
  private static final String ID = NAMESPACE + "," + PIPELINE;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PipelineGauges gauges = new PipelineGauges(registry);

  private static PipelineStatus status(Pipeline p, boolean active, String walStatus, long lag, String... tablePhases) {
    List<PipelineObservation.Table> tables = IntStream.range(0, tablePhases.length)
        .mapToObj(i -> new PipelineObservation.Table("public.t" + i, tablePhases[i], 10,
            tablePhases[i].equals("errored") ? "insert failed" : null, null, 0))
        .toList();
    PipelineObservation observed = new PipelineObservation(
        Optional.of(new PipelineObservation.Slot("etl_orders_sync_apply", active, lag, walStatus, 4096L, "0/16B3748")), true, tables);
    return PipelineStatusBuilder.build(p, OK, new SourceObservation(observed, null, null), "h", null);
  }

  /** Series as the registry writes them: labels in alphabetical order. */
  private Map<String, Double> scrape() {
    return PrometheusText.parse(registry.scrape());
  }

  @Test
  void aStreamingPipelineIsReadyWithItsLagWalStatusAndTablesByState() {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    gauges.record(p, status(p, true, "reserved", 123_456, "ready", "ready"));
    Map<String, Double> s = scrape();
    assertEquals(1.0, s.get("etl_pipeline_ready{" + ID + "}"), registry.scrape());
    assertEquals(1.0, s.get("etl_pipeline_phase{" + NAMESPACE + ",phase=\"Streaming\"," + PIPELINE + "}"), registry.scrape());
    assertEquals(0.0, s.get("etl_pipeline_phase{" + NAMESPACE + ",phase=\"Copying\"," + PIPELINE + "}"), registry.scrape());
    assertEquals(123_456.0, s.get("etl_pipeline_slot_lag_bytes{" + ID + "}"), registry.scrape());
    assertEquals(1.0, s.get("etl_pipeline_slot_active{" + ID + "}"), registry.scrape());
    assertEquals(4096.0, s.get("etl_pipeline_slot_safe_wal_size_bytes{" + ID + "}"), registry.scrape());
    assertEquals(1.0, s.get("etl_pipeline_slot_wal_status{" + ID + ",wal_status=\"reserved\"}"), registry.scrape());
    assertEquals(0.0, s.get("etl_pipeline_slot_wal_status{" + ID + ",wal_status=\"lost\"}"), registry.scrape());
    assertEquals(2.0, s.get("etl_pipeline_tables{" + ID + ",state=\"ready\"}"), registry.scrape());
    assertEquals(0.0, s.get("etl_pipeline_tables{" + ID + ",state=\"errored\"}"), registry.scrape());
  }

  @Test
  void aLaterStatusReplacesTheValuesAndADeletedPipelineLeavesNoSeries() {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    gauges.record(p, status(p, true, "reserved", 10, "ready", "ready"));
    gauges.record(p, status(p, false, "unreserved", 9_000_000, "ready", "errored"));
    Map<String, Double> s = scrape();
    assertEquals(0.0, s.get("etl_pipeline_ready{" + ID + "}"), registry.scrape());
    assertEquals(9_000_000.0, s.get("etl_pipeline_slot_lag_bytes{" + ID + "}"), registry.scrape());
    assertEquals(0.0, s.get("etl_pipeline_slot_active{" + ID + "}"), registry.scrape());
    assertEquals(1.0, s.get("etl_pipeline_slot_wal_status{" + ID + ",wal_status=\"unreserved\"}"), registry.scrape());
    assertEquals(0.0, s.get("etl_pipeline_slot_wal_status{" + ID + ",wal_status=\"reserved\"}"), registry.scrape());
    assertEquals(1.0, s.get("etl_pipeline_tables{" + ID + ",state=\"errored\"}"), registry.scrape());
    assertTrue(registry.scrape().contains("etl_pipeline_"));

    gauges.forget(p);
    assertFalse(registry.scrape().contains("etl_pipeline_"), registry.scrape());
  }
}
