package io.etl.core.testing;

import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.sync.TableStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the transitions of a {@link TableStates} and lets a test wait for one, woken by the
 * transition itself instead of polling. The deadline only bounds a hang.
 */
public final class TableTransitions implements TableStates.TransitionListener {
  /** One transition; {@code to} is null when the table left the publication. */
  public record Transition(int oid, TableState from, TableState to) {}

  private final List<Transition> seen = new ArrayList<>();

  public static TableTransitions of(TableStates tables) {
    TableTransitions transitions = new TableTransitions();
    tables.listen(transitions);
    return transitions;
  }

  @Override
  public synchronized void transitioned(int oid, TableState from, TableState to) {
    seen.add(new Transition(oid, from, to));
    notifyAll();
  }

  /** Every transition so far, in order. */
  public synchronized List<Transition> all() {
    return List.copyOf(seen);
  }

  /** The phases {@code oid} went through, in order. */
  public synchronized List<TablePhase> phasesOf(int oid) {
    return seen.stream().filter(t -> t.oid() == oid && t.to() != null).map(t -> t.to().phase()).toList();
  }

  /** Waits until {@code oid} has entered {@code phase} (now or earlier) and returns that state. */
  public synchronized TableState await(int oid, TablePhase phase) throws InterruptedException {
    long deadline = System.nanoTime() + Eventually.DEFAULT.toNanos();
    while (true) {
      for (Transition t : seen) {
        if (t.oid() == oid && t.to() != null && t.to().phase() == phase) {
          return t.to();
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("table " + oid + " never reached " + phase.label() + "; transitions: " + seen);
      }
      wait(Math.max(1, Duration.ofNanos(left).toMillis()));
    }
  }
}
