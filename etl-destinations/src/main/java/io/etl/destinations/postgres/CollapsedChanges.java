package io.etl.destinations.postgres;

import io.etl.core.event.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table's run of changes within a batch, folded per primary key into what applying them one
 * by one leaves behind, so that the run can go to the destination as a few set-based statements
 * (see {@link SetStatements}) instead of one statement per change.
 *
 * <p>Per key the outcome is at most a delete followed by at most one write: an upsert (the row
 * is there afterwards, whatever was there before) or an update (the row changes only if it was
 * there). Keys are independent of one another (the primary key is the table's only constraint
 * these statements touch), so all deletes, then all upserts, then all updates reproduce the
 * one-by-one result. Changes to one key fold like this, in source order:
 *
 * <pre>
 *   before \ change    INSERT r                  UPDATE r (same key)      DELETE
 *   nothing            upsert r                  update r                 delete (counted)
 *   update x           — (ends the run)          update r                 delete (counted)
 *   upsert x           upsert r                  upsert r                 delete (uncounted)¹
 *   delete d           delete d, upsert r        d, +1 unmatched          d, +1 unmatched
 *   delete d, upsert x delete d, upsert r        delete d, upsert r       delete d
 * </pre>
 *
 * ¹ the row is certainly there, so a delete that finds nothing (there was no row before the
 * upsert) is no drift. A delete is "counted" when finding no row means the destination drifted.
 *
 * <p>Unmatched changes are counted per distinct key: two UPDATEs of one missing key in one run
 * count once, where one-by-one application counts twice. An INSERT after an UPDATE of the same
 * key (which a source with that primary key cannot send) and whatever {@link #update} or {@link
 * #delete} is not given (key-changing UPDATEs, unchanged TOAST values) end the run: the caller
 * applies the run and goes on with a new one.
 *
 * <p>Keys are compared by their text, as pgoutput sends the stored value. Where equal values
 * have several texts ({@code numeric} 1.0 and 1.00, a case-insensitive collation) the fold keeps
 * two entries for one key, which still gives the one-by-one result: a row keeps its text until
 * its key changes (which ends the run), a consistent source never has two live rows of one key,
 * so at most one of the entries writes, and the deletes go before every write.
 *
 * <p>A table without a primary key only appends: its inserts are kept in order.
 */
final class CollapsedChanges {
  /** Whether a key's run starts with a delete, and whether that delete finding no row is drift. */
  enum Delete { NONE, COUNTED, UNCOUNTED }

  /** What a run leaves for one key. At most one of {@code upsert} and {@code update} is set. */
  static final class KeyOutcome {
    Delete delete = Delete.NONE;
    Row upsert;
    Row update;
  }

  /** The run as statements to send, each list in source order of the key's first change. */
  record Plan(List<List<String>> countedDeletes, List<List<String>> uncountedDeletes, List<Row> upserts,
      List<Row> updates, List<Row> appends, long knownUnmatched) {}

  private final int[] keyIndexes;
  private final Map<List<String>, KeyOutcome> byKey = new LinkedHashMap<>();
  private final List<Row> appends = new ArrayList<>();
  private long knownUnmatched;

  /** @param keyIndexes the relation's column positions of the destination's primary key; empty without a key */
  CollapsedChanges(int[] keyIndexes) {
    this.keyIndexes = keyIndexes;
  }

  boolean isEmpty() {
    return byKey.isEmpty() && appends.isEmpty() && knownUnmatched == 0;
  }

  /** @return false when the insert cannot join this run: apply the run, then give it to a new one */
  boolean insert(Row row) {
    if (keyIndexes.length == 0) {
      appends.add(row);
      return true;
    }
    KeyOutcome outcome = byKey.computeIfAbsent(key(row), k -> new KeyOutcome());
    if (outcome.update != null) {
      return false;
    }
    outcome.upsert = row;
    return true;
  }

  /** An UPDATE that keeps the key and carries every value (no unchanged TOAST). */
  void update(Row row) {
    KeyOutcome outcome = byKey.get(key(row));
    if (outcome == null) {
      outcome = new KeyOutcome();
      outcome.update = row;
      byKey.put(key(row), outcome);
    } else if (outcome.update != null) {
      outcome.update = row;
    } else if (outcome.upsert != null) {
      outcome.upsert = row;
    } else {
      // deleted earlier in this run: one by one, this UPDATE finds no row
      knownUnmatched++;
    }
  }

  /** A DELETE by the key values in {@code oldRow}. */
  void delete(Row oldRow) {
    KeyOutcome outcome = byKey.computeIfAbsent(key(oldRow), k -> new KeyOutcome());
    if (outcome.update != null) {
      outcome.update = null;
      outcome.delete = Delete.COUNTED;
    } else if (outcome.upsert != null) {
      outcome.upsert = null;
      if (outcome.delete == Delete.NONE) {
        outcome.delete = Delete.UNCOUNTED;
      }
    } else if (outcome.delete != Delete.NONE) {
      knownUnmatched++;
    } else {
      outcome.delete = Delete.COUNTED;
    }
  }

  Plan plan() {
    List<List<String>> counted = new ArrayList<>();
    List<List<String>> uncounted = new ArrayList<>();
    List<Row> upserts = new ArrayList<>();
    List<Row> updates = new ArrayList<>();
    for (Map.Entry<List<String>, KeyOutcome> e : byKey.entrySet()) {
      KeyOutcome outcome = e.getValue();
      if (outcome.delete == Delete.COUNTED) {
        counted.add(e.getKey());
      } else if (outcome.delete == Delete.UNCOUNTED) {
        uncounted.add(e.getKey());
      }
      if (outcome.upsert != null) {
        upserts.add(outcome.upsert);
      } else if (outcome.update != null) {
        updates.add(outcome.update);
      }
    }
    return new Plan(counted, uncounted, upserts, updates, List.copyOf(appends), knownUnmatched);
  }

  private List<String> key(Row row) {
    String[] key = new String[keyIndexes.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = row.get(keyIndexes[i]);
    }
    return Arrays.asList(key);
  }
}
