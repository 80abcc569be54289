package io.etl.core.state;

/** Guards the rule that in-memory-only phases never reach a store. */
final class PersistedPhases {
  private PersistedPhases() {}

  static void require(TableState state) {
    if (!state.phase().persisted()) {
      throw new IllegalArgumentException(
          state.phase().label() + " is an in-memory phase and is never persisted");
    }
  }
}
