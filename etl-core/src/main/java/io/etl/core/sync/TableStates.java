package io.etl.core.sync;

import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableId;
import io.etl.core.state.StateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where table states change. The apply worker and the table sync workers meet
 * here; each transition below names the invariant it keeps. Persisted phases are written to the
 * {@link StateStore} before the in-memory state moves, so a crash never leaves memory ahead of
 * the store.
 *
 * <p>Reads on the hot path ({@link #appliesTo}) see an immutable snapshot; transitions are rare
 * and synchronized.
 */
public final class TableStates {
  /**
   * Told of every transition after it happened (and was persisted), under the lock of the
   * transition: it must return quickly and must not call back into TableStates' transitions.
   * Tests wait for a transition through it instead of polling the store.
   */
  @FunctionalInterface
  public interface TransitionListener {
    /** @param to null when the table left the publication */
    void transitioned(int oid, TableState from, TableState to);
  }

  private final StateStore store;
  private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<Integer, TableId> names;
  private final Map<Integer, AtomicLong> rowsCopied = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> unmatchedChanges = new ConcurrentHashMap<>();
  private volatile Map<Integer, TableState> current;
  private boolean stopping;

  private TableStates(StateStore store, Map<Integer, TableId> names, Map<Integer, TableState> initial) {
    this.store = store;
    this.names = Map.copyOf(names);
    this.current = Map.copyOf(initial);
    store.loadRowsCopied().forEach((oid, rows) -> rowsCopied.put(oid, new AtomicLong(rows)));
    store.loadUnmatchedChanges().forEach((oid, changes) -> unmatchedChanges.put(oid, new AtomicLong(changes)));
  }

  /**
   * The stored states of the tables the publication holds now: a table new to it starts at
   * INIT (persisted), a table that left it is forgotten in the store too.
   */
  public static TableStates load(StateStore store, Map<Integer, TableId> published) {
    Map<Integer, TableState> stored = store.loadTableStates();
    Map<Integer, TableState> states = new HashMap<>();
    for (Integer oid : published.keySet()) {
      TableState state = stored.get(oid);
      if (state == null) {
        state = TableState.init();
        store.updateTableState(oid, state);
      }
      states.put(oid, state);
    }
    for (Integer oid : stored.keySet()) {
      if (!published.containsKey(oid)) {
        store.removeTable(oid);
      }
    }
    return new TableStates(store, published, states);
  }

  /**
   * Every table → INIT, in one store transaction that also records {@code incarnation} as the
   * apply slot's, because a new apply slot is about to be created: it starts at the server's
   * current position, so whatever a table held from the slot before it is gone and every table
   * is copied again. This must happen before the slot exists: reset after creating it, and a
   * crash in between would leave a slot and tables still READY, streaming on with a gap.
   *
   * @return whether any table had got past INIT (the old slot's changes are lost, not just unused)
   */
  public synchronized boolean resetForNewApplySlot(String incarnation) {
    boolean progressed = current.values().stream().anyMatch(s -> s.phase() != TablePhase.INIT);
    store.resetForNewApplySlot(incarnation, current.keySet());
    Map<Integer, TableState> before = current;
    Map<Integer, TableState> next = new HashMap<>();
    current.keySet().forEach(oid -> next.put(oid, TableState.init()));
    current = Map.copyOf(next);
    rowsCopied.clear();
    unmatchedChanges.clear();
    notifyAll();
    before.forEach((oid, from) -> told(oid, from, TableState.init()));
    return progressed;
  }

  /** Adds a listener for the transitions from now on. */
  public void listen(TransitionListener listener) {
    listeners.add(listener);
  }

  private void told(int oid, TableState from, TableState to) {
    for (TransitionListener listener : listeners) {
      listener.transitioned(oid, from, to);
    }
  }

  public TableState get(int oid) {
    return current.get(oid);
  }

  public Map<Integer, TableState> snapshot() {
    return current;
  }

  public Map<Integer, TableId> names() {
    return names;
  }

  public TableId name(int oid) {
    return names.get(oid);
  }

  /**
   * Whether the apply worker applies a change to {@code oid} committed at {@code commitLsn}:
   * for SYNC_DONE(lsn) and READY(lsn) tables, only transactions committing at or after lsn,
   * because everything before it is in the destination from the copy or the catch-up. READY
   * keeps the lsn so that a replay of the apply slot from before it (a crash before the server
   * stored our confirmation) still skips what the catch-up applied.
   */
  public boolean appliesTo(int oid, Lsn commitLsn) {
    TableState state = current.get(oid);
    if (state == null) {
      return false;
    }
    TablePhase phase = state.phase();
    return (phase == TablePhase.READY || phase == TablePhase.SYNC_DONE)
        && (state.lsn() == null || commitLsn.compareTo(state.lsn()) >= 0);
  }

  /** Tables a sync worker still has to copy or catch up. */
  public synchronized List<Integer> tablesNeedingSync() {
    List<Integer> oids = new ArrayList<>();
    current.forEach(
        (oid, state) -> {
          TablePhase p = state.phase();
          if (p == TablePhase.INIT || p == TablePhase.DATA_SYNC || p == TablePhase.FINISHED_COPY
              || p == TablePhase.SYNC_WAIT || p == TablePhase.CATCHUP) {
            oids.add(oid);
          }
        });
    Collections.sort(oids);
    return oids;
  }

  /** INIT/DATA_SYNC → DATA_SYNC: the copy (re)starts; a crash from here on copies again from empty. */
  public synchronized void startCopy(int oid) {
    requirePhase(oid, "start its copy", TablePhase.INIT, TablePhase.DATA_SYNC);
    set(oid, TableState.of(TablePhase.DATA_SYNC));
    rowsCopied.computeIfAbsent(oid, k -> new AtomicLong()).set(0);
    store.storeRowsCopied(oid, 0);
    // a new copy has whatever the source has: drift counted before it no longer applies
    if (unmatchedChanges.remove(oid) != null) {
      store.storeUnmatchedChanges(oid, 0);
    }
  }

  public void addRowsCopied(int oid, long rows) {
    rowsCopied.computeIfAbsent(oid, k -> new AtomicLong()).addAndGet(rows);
  }

  public long rowsCopied(int oid) {
    AtomicLong rows = rowsCopied.get(oid);
    return rows == null ? 0 : rows.get();
  }

  /**
   * Adds changes of the table that matched no destination row, persisted for the operator.
   *
   * @return the table's count before these (0 the first time since its copy)
   */
  public long addUnmatchedChanges(int oid, long changes) {
    AtomicLong counter = unmatchedChanges.computeIfAbsent(oid, k -> new AtomicLong());
    long before = counter.getAndAdd(changes);
    store.storeUnmatchedChanges(oid, before + changes);
    return before;
  }

  public long unmatchedChanges(int oid) {
    AtomicLong changes = unmatchedChanges.get(oid);
    return changes == null ? 0 : changes.get();
  }

  /** DATA_SYNC → FINISHED_COPY: every row of the snapshot is durable in the destination. */
  public synchronized void finishCopy(int oid) {
    requirePhase(oid, "finish its copy", TablePhase.DATA_SYNC);
    store.storeRowsCopied(oid, rowsCopied(oid));
    set(oid, TableState.of(TablePhase.FINISHED_COPY));
  }

  /**
   * FINISHED_COPY → SYNC_WAIT, then blocks until the apply worker moves the table to CATCHUP and
   * returns the position the catch-up must reach. SYNC_WAIT lives in memory only: after a crash
   * the table is FINISHED_COPY again and the hand-over repeats.
   */
  public synchronized Lsn awaitCatchupPosition(int oid) throws InterruptedException {
    requirePhase(oid, "wait for its catch-up position", TablePhase.FINISHED_COPY);
    set(oid, TableState.of(TablePhase.SYNC_WAIT));
    while (true) {
      throwIfStopping();
      TableState state = current.get(oid);
      if (state.phase() == TablePhase.CATCHUP) {
        return state.lsn();
      }
      wait(1000);
    }
  }

  /**
   * Apply worker, at a transaction boundary: every SYNC_WAIT table → CATCHUP(applyPosition). The
   * apply worker has processed (applied or skipped) every transaction committed before
   * applyPosition, so the sync worker must bring the table up to exactly there.
   */
  public synchronized List<Integer> startCatchups(Lsn applyPosition) {
    List<Integer> started = new ArrayList<>();
    for (Map.Entry<Integer, TableState> e : current.entrySet()) {
      if (e.getValue().phase() == TablePhase.SYNC_WAIT) {
        set(e.getKey(), TableState.at(TablePhase.CATCHUP, applyPosition));
        started.add(e.getKey());
      }
    }
    return started;
  }

  public boolean anySyncDone() {
    for (TableState state : current.values()) {
      if (state.phase() == TablePhase.SYNC_DONE) {
        return true;
      }
    }
    return false;
  }

  /** True while some table waits for the apply worker to name its catch-up position. */
  public boolean anyWaitingForCatchup() {
    for (TableState state : current.values()) {
      if (state.phase() == TablePhase.SYNC_WAIT) {
        return true;
      }
    }
    return false;
  }

  /**
   * Apply worker: blocks until the sync worker finished the catch-up of {@code oid}, so that the
   * apply worker does not pass a transaction the sync worker has not handed over yet.
   */
  public synchronized void awaitCaughtUp(int oid) throws InterruptedException {
    while (true) {
      throwIfStopping();
      TableState state = current.get(oid);
      if (state == null) {
        return; // the table left the publication
      }
      TablePhase p = state.phase();
      if (p == TablePhase.SYNC_DONE || p == TablePhase.READY || p == TablePhase.ERRORED) {
        return;
      }
      if (p != TablePhase.CATCHUP) {
        // the sync worker failed and will start over; the apply worker must not wait for it
        return;
      }
      wait(1000);
    }
  }

  /** CATCHUP → SYNC_DONE(lsn): the destination holds the table up to lsn; apply owns it from there. */
  public synchronized void syncDone(int oid, Lsn lsn) {
    requirePhase(oid, "finish its catch-up", TablePhase.CATCHUP);
    set(oid, TableState.at(TablePhase.SYNC_DONE, lsn));
  }

  /**
   * SYNC_DONE(lsn) → READY once the apply worker's durable position reached lsn: from then on a
   * replay of the apply slot can no longer start before lsn, so the filter is no longer needed.
   */
  public synchronized void markReady(Lsn durableApplyPosition) {
    for (Map.Entry<Integer, TableState> e : current.entrySet()) {
      TableState s = e.getValue();
      if (s.phase() == TablePhase.SYNC_DONE && durableApplyPosition.compareTo(s.lsn()) >= 0) {
        set(e.getKey(), TableState.at(TablePhase.READY, s.lsn()));
      }
    }
  }

  /**
   * FINISHED_COPY/SYNC_WAIT/CATCHUP → INIT: the table's sync slot vanished, or its catch-up met a
   * change it cannot apply in place, so the catch-up cannot finish; copy again.
   */
  public synchronized void restartCopy(int oid) {
    requirePhase(oid, "restart its copy", TablePhase.FINISHED_COPY, TablePhase.SYNC_WAIT, TablePhase.CATCHUP);
    set(oid, TableState.init());
  }

  /** A table joined the publication while the pipeline runs: it starts at INIT. */
  public synchronized void add(int oid, TableId name) {
    if (current.containsKey(oid)) {
      return;
    }
    Map<Integer, TableId> nextNames = new HashMap<>(names);
    nextNames.put(oid, name);
    names = Map.copyOf(nextNames);
    set(oid, TableState.init());
  }

  /** A table left the publication: forgotten here and in the store (its destination table stays). */
  public synchronized void remove(int oid) {
    store.removeTable(oid);
    Map<Integer, TableState> next = new HashMap<>(current);
    TableState from = next.remove(oid);
    current = Map.copyOf(next);
    rowsCopied.remove(oid);
    notifyAll();
    if (from != null) {
      told(oid, from, null);
    }
  }

  /**
   * READY/SYNC_DONE → INIT: the apply worker met a change of the table it cannot apply in place
   * (and has written everything before it); a sync worker copies the table again.
   */
  public synchronized void copyAgain(int oid) {
    if (current.containsKey(oid)) {
      requirePhase(oid, "be copied again", TablePhase.READY, TablePhase.SYNC_DONE);
      set(oid, TableState.init());
    }
  }

  /** ERRORED → INIT, on a user's request: the table is copied again from scratch. */
  public synchronized boolean retry(int oid) {
    TableState state = current.get(oid);
    if (state == null || state.phase() != TablePhase.ERRORED) {
      return false;
    }
    set(oid, TableState.init());
    return true;
  }

  /**
   * Any persisted phase → INIT on a user's re-sync request, recorded with the request in one
   * store transaction: a crash either did both (the copy runs, the request is not taken again)
   * or neither (it is taken at the next start). Called at start-up, before any worker runs, so no
   * sync slot is in use; the copy drops the table's old one and empties the destination table.
   */
  public synchronized void resetForResync(int oid, String requestId) {
    if (!current.containsKey(oid)) {
      throw new IllegalStateException("table oid " + Integer.toUnsignedString(oid) + " is not in the publication");
    }
    store.resetForResync(oid, names.get(oid).toString(), requestId);
    TableState from = current.get(oid);
    Map<Integer, TableState> next = new HashMap<>(current);
    next.put(oid, TableState.init());
    current = Map.copyOf(next);
    notifyAll();
    told(oid, from, TableState.init());
  }

  /** Any → ERRORED: this table stops, with a reason and a fix; the others go on. */
  public synchronized void errored(int oid, String reason, String solution) {
    if (!current.containsKey(oid)) {
      return;
    }
    set(oid, TableState.errored(reason, solution));
  }

  /**
   * A sync worker failed with a retryable fault: in-memory phases fall back to the persisted
   * FINISHED_COPY so the hand-over repeats.
   */
  public synchronized void abandonHandOver(int oid) {
    TableState state = current.get(oid);
    TablePhase p = state == null ? null : state.phase();
    if (p == TablePhase.SYNC_WAIT || p == TablePhase.CATCHUP) {
      set(oid, TableState.of(TablePhase.FINISHED_COPY));
    }
  }

  /** Wakes every waiter; they throw InterruptedException. */
  public synchronized void stop() {
    stopping = true;
    notifyAll();
  }

  private void throwIfStopping() throws InterruptedException {
    if (stopping || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("pipeline stopping");
    }
  }

  /**
   * Each transition leaves only the phases it is written for: any other means two writers
   * disagree about the table, and carrying on would corrupt it rather than fail loudly.
   */
  private void requirePhase(int oid, String transition, TablePhase... from) {
    TableState state = current.get(oid);
    TablePhase phase = state == null ? null : state.phase();
    for (TablePhase allowed : from) {
      if (phase == allowed) {
        return;
      }
    }
    throw new IllegalStateException("table " + names.get(oid) + " (oid " + Integer.toUnsignedString(oid) + ") cannot "
        + transition + " from phase " + (phase == null ? "unknown" : phase.label()) + "; expected " + List.of(from));
  }

  private void set(int oid, TableState state) {
    if (state.phase().persisted()) {
      Failpoints.reached(Failpoint.STATE_BEFORE_UPDATE);
      store.updateTableState(oid, state);
    }
    Map<Integer, TableState> next = new HashMap<>(current);
    TableState from = next.put(oid, state);
    current = Map.copyOf(next);
    notifyAll();
    told(oid, from, state);
  }
}
