package io.etl.operator.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PipelinePhase;
import io.etl.api.v1alpha1.PipelineStatus;
import io.etl.core.error.EtlException;
import io.etl.core.state.PipelineObservation;
import io.etl.core.state.ResyncRecord;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status each combination of what was validated and observed yields, offline. */
class PipelineStatusBuilderTest {
  private static final PipelineInputs OK = new PipelineInputs.Ready(ReplicatorRenderingTest.destination(), null);

  private static PipelineObservation.Slot slot(boolean active, String walStatus, long lag) {
    return new PipelineObservation.Slot("etl_orders_sync_apply", active, lag, walStatus, null, "0/16B3748");
  }

  private static PipelineObservation.Table table(String name, String phase) {
    return new PipelineObservation.Table(name, phase, 10, phase.equals("errored") ? "insert failed" : null,
        phase.equals("errored") ? "drop the constraint" : null, 0);
  }

  private static PipelineStatus build(Pipeline p, PipelineObservation observed, String podProblem) {
    return PipelineStatusBuilder.build(p, OK, new SourceObservation(observed, null, null), "h", podProblem);
  }

  private static Condition condition(PipelineStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void everyTableReadyAndAnActiveSlotIsReadyWithAHumanLag() {
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "reserved", 3 * 1024 * 1024 + 300_000)), true,
        List.of(table("public.a", "ready"), table("public.b", "ready"))), null);
    assertEquals(PipelinePhase.Streaming, s.phase);
    assertEquals("True", condition(s, "Ready").getStatus());
    assertEquals("False", condition(s, "Stalled").getStatus());
    assertEquals("False", condition(s, "Reconciling").getStatus());
    assertEquals("3.3 MiB", s.slot.lag);
    assertEquals("2/2", s.tables.summary);
  }

  @Test
  void aTableWithChangesThatMatchedNoDestinationRowShowsTheCountAndIsListedBeforeTheOthers() {
    PipelineObservation.Table drifted = new PipelineObservation.Table("public.z", "ready", 10, null, null, 4);
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true,
        List.of(table("public.a", "ready"), drifted)), null);
    assertEquals("public.z", s.tableStates.get(0).name);
    assertEquals(4L, s.tableStates.get(0).unmatchedChanges);
    assertEquals(null, s.tableStates.get(1).unmatchedChanges, "unset when there were none");
    assertEquals("True", condition(s, "Ready").getStatus(), "counted, not an error: destination.unmatchedChanges decides");
  }

  @Test
  void copyingIsReconcilingNotReady() {
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true,
        List.of(table("public.a", "ready"), table("public.b", "data_sync"))), null);
    assertEquals(PipelinePhase.Copying, s.phase);
    assertEquals("Copying", condition(s, "Ready").getReason());
    assertEquals("True", condition(s, "Reconciling").getStatus());
    assertEquals("1/2", s.tables.summary);
  }

  @Test
  void anErroredTableStallsThePipelineAndIsListedFirstWithItsFix() {
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true,
        List.of(table("public.a", "ready"), table("public.z", "errored"))), null);
    assertEquals("TablesErrored", condition(s, "Ready").getReason());
    // where the retry is served: the admin port, on the pod's loopback
    assertEquals("1 table(s) errored (public.z); see status.tableStates for the reason and fix, then retry with POST"
        + " /tables/{schema.table}/retry on the replicator's admin port (kubectl port-forward to its port 9188)",
        condition(s, "Ready").getMessage());
    assertEquals("True", condition(s, "Stalled").getStatus());
    assertEquals("public.z", s.tableStates.get(0).name);
    assertEquals("insert failed Fix: drop the constraint", s.tableStates.get(0).reason);
    assertEquals(1, s.tables.errored);
  }

  /** Anyone who may get pipelines reads the status: the refused rows' values stay in the replicator. */
  @Test
  void anErroredTablesReasonInTheStatusCarriesNoneOfTheRefusedRowsValues() {
    // worded as PostgresDestination words a unique index of the destination's own
    String reason = "The destination PostgreSQL server at db:5432 failed with SQLSTATE 23505: Batch entry 0 INSERT INTO"
        + " \"public\".\"customers\" (\"id\", \"email\") VALUES (('42'::int4), ('ann@example.com')) ON CONFLICT (\"id\") DO"
        + " UPDATE SET \"email\" = EXCLUDED.\"email\" was aborted: ERROR: duplicate key value violates unique constraint"
        + " \"customers_email_key\" Detail: Key (email)=(ann@example.com) already exists. Call getNextException to see other"
        + " errors in the batch.";
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true,
        List.of(new PipelineObservation.Table("public.customers", "errored", 10, reason, "remove the duplicate", 0))), null);
    String shown = s.tableStates.get(0).reason;
    for (String value : List.of("'42'", "ann@example.com")) {
      assertTrue(!shown.contains(value), value + " in " + shown);
    }
    assertTrue(shown.contains("SQLSTATE 23505") && shown.contains("unique constraint \"customers_email_key\""), shown);
    assertTrue(shown.endsWith(" Fix: remove the duplicate"), shown);
    s.conditions.forEach(c -> assertTrue(!c.getMessage().contains("ann@example.com"), c.getMessage()));
  }

  @Test
  void aLostSlotFailsThePipelineAndAnUnreservedOneWarns() {
    PipelineStatus lost = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "lost", 10)), true,
        List.of(table("public.a", "ready"))), null);
    assertEquals(PipelinePhase.Failed, lost.phase);
    assertEquals("SlotLost", condition(lost, "SlotHealthy").getReason());
    assertEquals("True", condition(lost, "Stalled").getStatus());
    PipelineStatus atRisk = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.of(slot(true, "unreserved", 10)), true,
        List.of(table("public.a", "ready"))), null);
    assertEquals("WalAtRisk", condition(atRisk, "SlotHealthy").getReason());
  }

  @Test
  void aCrashLoopingPodIsNamedWhenNothingStreams() {
    PipelineStatus s = build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.empty(), true,
        List.of(table("public.a", "init"))), "pod etl-orders-sync-1: CrashLoopBackOff; last exit code 2");
    assertEquals("ReplicatorFailing", condition(s, "Ready").getReason());
    assertTrue(condition(s, "Ready").getMessage().contains("CrashLoopBackOff"));
  }

  @Test
  void pausedIsNeitherReadyNorReconcilingNorStalled() {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    p.getSpec().paused = true;
    PipelineStatus s = build(p, new PipelineObservation(Optional.of(slot(false, "reserved", 10)), true, List.of()), null);
    assertEquals(PipelinePhase.Paused, s.phase);
    assertEquals("False", condition(s, "Reconciling").getStatus());
    assertEquals("False", condition(s, "Stalled").getStatus());
  }

  @Test
  void aTransientConnectionFailureKeepsTheLastFiguresAndIsNotStalled() {
    Pipeline p = ReplicatorRenderingTest.pipeline();
    p.setStatus(build(p, new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true, List.of(table("public.a", "ready"))), null));
    EtlException refused = EtlException.retryable("unreachable", "the source at source.db:5432 refused the connection", "start it", null);
    PipelineStatus s = PipelineStatusBuilder.build(p, OK, new SourceObservation(null, refused, null), "h", null);
    assertEquals("Unreachable", condition(s, "SourceReachable").getReason());
    assertEquals("False", condition(s, "Stalled").getStatus());
    assertEquals("True", condition(s, "Reconciling").getStatus());
    assertEquals("1/1", s.tables.summary);
  }

  @Test
  void resyncRecordsAreListedNewestFirstAtMostTwentyAndKeptWhileTheSourceCannotBeRead() {
    List<ResyncRecord> records = new java.util.ArrayList<>();
    Instant at = Instant.parse("2026-12-02T10:00:00.123Z");
    for (int i = 25; i >= 1; i--) {
      records.add(new ResyncRecord("r-" + i, "public.a", i == 25 ? "started" : "done", null, at.plusSeconds(i),
          i == 25 ? null : at.plusSeconds(i + 60)));
    }
    Pipeline p = ReplicatorRenderingTest.pipeline();
    PipelineStatus s = build(p, new PipelineObservation(Optional.of(slot(true, "reserved", 10)), true,
        List.of(table("public.a", "ready")), records), null);
    assertEquals(PipelineStatus.MAX_LISTED_RESYNCS, s.resyncs.size());
    assertEquals("r-25", s.resyncs.get(0).requestId);
    assertEquals("started", s.resyncs.get(0).result);
    assertEquals("2026-12-02T10:00:25Z", s.resyncs.get(0).requestedAt);
    assertEquals(null, s.resyncs.get(0).finishedAt);
    assertEquals("2026-12-02T10:01:24Z", s.resyncs.get(1).finishedAt);

    p.setStatus(s);
    PipelineStatus unread = PipelineStatusBuilder.build(p, OK, null, "h", null);
    assertEquals(s.resyncs, unread.resyncs, "the last known records stay while the source cannot be read");
    assertEquals(null, build(ReplicatorRenderingTest.pipeline(), new PipelineObservation(Optional.empty(), true, List.of()), null)
        .resyncs, "unset when nothing was requested");
  }
}
