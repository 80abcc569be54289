package io.etl.operator.support;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds a condition list, keeping lastTransitionTime when a condition's status did not change. */
public final class Conditions {
  private final List<Condition> previous;
  private final long generation;
  private final List<Condition> next = new ArrayList<>();

  public Conditions(List<Condition> previous, Long generation) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation == null ? 0 : generation;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? "True" : "False", reason, message);
  }

  public Conditions set(String type, String status, String reason, String message) {
    Condition old = find(previous, type);
    String since = old != null && Objects.equals(old.getStatus(), status) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime()
        : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    next.add(new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message == null ? "" : message).withObservedGeneration(generation).withLastTransitionTime(since).build());
    return this;
  }

  public List<Condition> build() {
    return next;
  }
}
