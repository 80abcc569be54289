package io.etl.destinations.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.event.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fold's table, row by row: what each sequence of changes to one key leaves to send. */
class CollapsedChangesTest {
  private final CollapsedChanges keyed = new CollapsedChanges(new int[] {0});

  @Test
  void theLastUpdateOfAKeyWins() {
    keyed.update(Row.of("1", "a"));
    keyed.update(Row.of("1", "b"));
    keyed.update(Row.of("2", "c"));
    keyed.update(Row.of("1", "d"));
    CollapsedChanges.Plan plan = keyed.plan();
    assertEquals(List.of(Row.of("1", "d"), Row.of("2", "c")), plan.updates());
    assertEquals(List.of(), plan.upserts());
    assertEquals(List.of(), plan.countedDeletes());
  }

  @Test
  void anUpdateAfterAnInsertIsPartOfTheUpsert() {
    keyed.insert(Row.of("1", "a"));
    keyed.update(Row.of("1", "b"));
    assertEquals(List.of(Row.of("1", "b")), keyed.plan().upserts());
    assertEquals(List.of(), keyed.plan().updates());
  }

  @Test
  void aDeleteAfterAnInsertFindingNothingIsNoDrift() {
    keyed.insert(Row.of("1", "a"));
    keyed.delete(Row.of("1", null));
    CollapsedChanges.Plan plan = keyed.plan();
    assertEquals(List.of(List.of("1")), plan.uncountedDeletes());
    assertEquals(List.of(), plan.countedDeletes());
    assertEquals(List.of(), plan.upserts());
  }

  @Test
  void aDeleteThenAnInsertKeepsBothAndTheDeleteStaysCounted() {
    keyed.delete(Row.of("1", null));
    keyed.insert(Row.of("1", "a"));
    keyed.update(Row.of("1", "b"));
    CollapsedChanges.Plan plan = keyed.plan();
    assertEquals(List.of(List.of("1")), plan.countedDeletes());
    assertEquals(List.of(Row.of("1", "b")), plan.upserts());
    keyed.delete(Row.of("1", null));
    assertEquals(List.of(List.of("1")), keyed.plan().countedDeletes());
    assertEquals(List.of(), keyed.plan().upserts());
  }

  @Test
  void changesToAKeyAlreadyDeletedInTheRunAreKnownToMatchNothing() {
    keyed.update(Row.of("1", "a"));
    keyed.delete(Row.of("1", null));
    keyed.update(Row.of("1", "b"));
    keyed.delete(Row.of("1", null));
    CollapsedChanges.Plan plan = keyed.plan();
    assertEquals(List.of(List.of("1")), plan.countedDeletes());
    assertEquals(List.of(), plan.updates());
    assertEquals(2, plan.knownUnmatched());
  }

  @Test
  void anInsertAfterAnUpdateOfTheSameKeyEndsTheRun() {
    keyed.update(Row.of("1", "a"));
    assertFalse(keyed.insert(Row.of("1", "b")));
    assertEquals(List.of(Row.of("1", "a")), keyed.plan().updates());
  }

  @Test
  void withoutAKeyInsertsAreKeptInOrderDuplicatesIncluded() {
    CollapsedChanges keyless = new CollapsedChanges(new int[0]);
    assertTrue(keyless.isEmpty());
    keyless.insert(Row.of("a"));
    keyless.insert(Row.of("a"));
    keyless.insert(Row.of("b"));
    assertEquals(List.of(Row.of("a"), Row.of("a"), Row.of("b")), keyless.plan().appends());
  }

  @Test
  void compositeKeysCompareEveryColumn() {
    CollapsedChanges pairs = new CollapsedChanges(new int[] {2, 0});
    pairs.insert(Row.of("x", "v1", "1"));
    pairs.insert(Row.of("y", "v2", "1"));
    pairs.update(Row.of("x", "v3", "1"));
    assertEquals(List.of(Row.of("x", "v3", "1"), Row.of("y", "v2", "1")), pairs.plan().upserts());
  }
}
