package io.etl.operator.support;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure reason without the values of the rows it is about, for the Pipeline's status and
 * events: whoever may {@code get pipelines} must not read the source's data there. The
 * replicator's log and its /status on the admin port keep the whole reason, and the classified
 * part (SQLSTATE, constraint, column, type, which rows) stays, so the status still says what to fix.
 *
 * <p>What carries values: PostgreSQL's {@code Detail:} and {@code Where:} lines ({@code Key
 * (id)=(42) already exists}, {@code Failing row contains (...)}, a COPY line), pgjdbc's {@code
 * Batch entry N <statement with its parameters> was aborted}, input errors that quote the value
 * ({@code invalid input syntax for type integer: "abc"}), and BigQuery's per-row errors.
 */
public final class RowValuesWithheld {
  static final String NOTE =
      " [row values withheld from the Pipeline status; the replicator's log and its /status on the admin port have them]";

  private static final Pattern BATCH_ENTRY = Pattern.compile("Batch entry (\\d+) .*? was aborted:", Pattern.DOTALL);
  /** Up to the next part pgjdbc or PostgreSQL appends, the next line, or the end. */
  private static final Pattern DETAIL = Pattern.compile(
      "\\s*\\b(?:Detail|Where): .*?(?=\\s+(?:Hint:|Position:|Call getNextException)|\\R|\\z)", Pattern.DOTALL);
  private static final Pattern QUOTED_INPUT = Pattern.compile(
      "((?:invalid input (?:syntax|value) for (?:type|enum) [^:\\n]+|malformed [\\w ]+ literal)): \".*?\"(?=[.;,)]?(?:\\s|\\z))");
  private static final Pattern OUT_OF_RANGE = Pattern.compile("\\bvalue \".*?\" is out of range");
  private static final Pattern BIGQUERY_ROWS = Pattern.compile(
      "(BigQuery rejected \\d+ row\\(s\\) while .*? and wrote none of the request) \\((.*)\\)\\.", Pattern.DOTALL);
  private static final Pattern BIGQUERY_ROW = Pattern.compile("(?:^|; )row (\\d+): ");
  private static final Pattern BIGQUERY_MORE = Pattern.compile("; and (\\d+) more$");

  private RowValuesWithheld() {}

  /** {@code reason} with row values cut out (and a note saying so); null stays null. */
  public static String from(String reason) {
    if (reason == null) {
      return null;
    }
    String out = replace(BATCH_ENTRY, reason, m -> "Batch entry " + m.group(1) + " (statement withheld) was aborted:");
    out = replace(DETAIL, out, m -> "");
    out = replace(QUOTED_INPUT, out, m -> m.group(1) + ": (value withheld)");
    out = replace(OUT_OF_RANGE, out, m -> "value (withheld) is out of range");
    out = replace(BIGQUERY_ROWS, out, m -> m.group(1) + " (" + bigQueryRows(m.group(2)) + ").");
    return out.equals(reason) ? reason : out + NOTE;
  }

  /** "row 0: msg; row 3: msg; and 2 more" → "rows 0, 3 and 2 more; their errors withheld". */
  private static String bigQueryRows(String listed) {
    List<String> rows = new ArrayList<>();
    Matcher row = BIGQUERY_ROW.matcher(listed);
    while (row.find()) {
      rows.add(row.group(1));
    }
    Matcher more = BIGQUERY_MORE.matcher(listed);
    return (rows.size() == 1 ? "row " : "rows ") + String.join(", ", rows)
        + (more.find() ? " and " + more.group(1) + " more" : "") + "; their errors withheld";
  }

  private static String replace(Pattern pattern, String text, Function<MatchResult, String> replacement) {
    return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replacement.apply(m)));
  }
}
