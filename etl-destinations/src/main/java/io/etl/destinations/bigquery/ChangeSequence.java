package io.etl.destinations.bigquery;

import io.etl.core.event.TxPosition;

/**
 * The {@code _CHANGE_SEQUENCE_NUMBER} of a change: its transaction's commit LSN, then its ordinal
 * in that transaction, as two sections of 16 hex digits separated by a slash. BigQuery compares
 * the sections one by one as unsigned 64-bit numbers, which is the order of {@link TxPosition}; the
 * fixed width keeps even a plain string comparison in that order.
 */
final class ChangeSequence {
  /** Below every change: rows of the initial copy, which every streamed change of the table follows. */
  static final String COPY = of(TxPosition.NONE);

  private ChangeSequence() {}

  static String of(TxPosition position) {
    return String.format("%016X/%016X", position.commitLsn().value(), position.ordinal());
  }
}
