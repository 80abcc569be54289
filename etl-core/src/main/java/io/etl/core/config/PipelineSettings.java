package io.etl.core.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Identity of the pipeline.
 *
 * @param id lower-case letters, digits and underscores, at most 40 characters; it becomes part
 *     of replication slot names, so it must never change for a running pipeline
 * @param publication the source publication whose tables are replicated
 */
public record PipelineSettings(String id, String publication) {
  private static final Pattern ID = Pattern.compile("[a-z0-9_]{1,40}");
  /**
   * The CRD's rule for spec.publication. The name travels inside START_REPLICATION's options, where
   * pgjdbc quotes it without escaping, so nothing but a plain name may get that far.
   */
  public static final Pattern PUBLICATION = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public void validate(List<String> problems) {
    if (id == null || !ID.matcher(id).matches()) {
      problems.add("pipeline.id must be 1-40 lower-case letters, digits or underscores (it becomes part of"
          + " replication slot names), got " + (id == null ? "nothing" : "'" + id + "'"));
    }
    if (publication == null || publication.isBlank()) {
      problems.add("pipeline.publication is required");
    } else if (!PUBLICATION.matcher(publication).matches()) {
      problems.add("pipeline.publication must be a PostgreSQL name (a letter or _, then up to 62 letters, digits, _ or $),"
          + " got '" + publication + "'");
    }
  }
}
