package io.etl.operator.support;

import io.etl.core.error.EtlException;
import java.util.Locale;

/** Condition reasons and messages from etl-core's classified failures, worded as the replicator words them. */
public final class Reasons {
  private Reasons() {}

  /** auth_failed → AuthFailed; source_publication_missing → PublicationMissing; destination_auth_failed → AuthFailed. */
  public static String of(EtlException e) {
    StringBuilder out = new StringBuilder();
    for (String word : e.category().replaceFirst("^(source|destination)_", "").split("[_-]")) {
      if (!word.isEmpty()) {
        out.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
      }
    }
    return out.length() == 0 ? "Error" : out.toString();
  }

  /** The reason and, when there is one, the fix. */
  public static String message(EtlException e) {
    return e.reason() + (e.solution() == null || e.solution().isBlank() ? "" : " Fix: " + e.solution());
  }
}
