package io.etl.replicator;

/** Renders a failure as the one line users and log scrapers see: {@code etl: <problem>. Fix: <fix>}. */
public final class FailureLine {
  private FailureLine() {}

  public static String format(String problem, String fix) {
    return "etl: " + sentence(withoutFinalStop(problem)) + ". Fix: " + withFinalStop(sentence(fix));
  }

  // a message from a driver may span lines; the contract is one line per failure
  private static String sentence(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String withoutFinalStop(String text) {
    String s = sentence(text);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String withFinalStop(String text) {
    return text.isEmpty() || text.endsWith(".") ? text : text + ".";
  }
}
