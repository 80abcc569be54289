package io.etl.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell commands a Markdown file shows in its {@code ```sh} blocks, one string per command
 * with backslash-continued lines joined, exactly as a user would paste them. Tests take the
 * commands they run from here rather than from a copy, so the README and the test cannot drift.
 */
public final class DocumentedCommands {
  private final Path file;
  private final List<String> lines;

  private DocumentedCommands(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  public static DocumentedCommands of(Path markdown) {
    try {
      return new DocumentedCommands(markdown, Files.readAllLines(markdown));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path file() {
    return file;
  }

  /** Every command of every shell block, in order. */
  public List<String> all() {
    return commands(0, lines.size());
  }

  /**
   * The commands of the shell blocks in the section under {@code heading} (the whole heading
   * line, e.g. {@code "## Running a pipeline"}), up to the next heading of the same or a higher
   * level. Fails if there is no such section or it shows no command.
   */
  public List<String> under(String heading) {
    int start = lines.indexOf(heading);
    if (start < 0) {
      throw new IllegalArgumentException(file + " has no heading '" + heading + "'");
    }
    int level = heading.indexOf(' ');
    int end = start + 1;
    while (end < lines.size() && !isHeadingAtOrAbove(lines.get(end), level)) {
      end++;
    }
    List<String> commands = commands(start + 1, end);
    if (commands.isEmpty()) {
      throw new IllegalArgumentException(file + " shows no shell command under '" + heading + "'");
    }
    return commands;
  }

  /** The one command under {@code heading} that starts with {@code prefix}; fails unless exactly one does. */
  public String under(String heading, String prefix) {
    List<String> matching = under(heading).stream().filter(c -> c.startsWith(prefix)).toList();
    if (matching.size() != 1) {
      throw new IllegalArgumentException(file + " shows " + matching.size() + " commands starting with '" + prefix
          + "' under '" + heading + "', expected one: " + under(heading));
    }
    return matching.get(0);
  }

  private static boolean isHeadingAtOrAbove(String line, int level) {
    int hashes = 0;
    while (hashes < line.length() && line.charAt(hashes) == '#') {
      hashes++;
    }
    return hashes > 0 && hashes <= level && line.length() > hashes && line.charAt(hashes) == ' ';
  }

  private List<String> commands(int from, int to) {
    List<String> commands = new ArrayList<>();
    boolean inShell = false;
    StringBuilder pending = null;
    for (String line : lines.subList(from, to)) {
      if (line.startsWith("```")) {
        inShell = !inShell && line.matches("```(sh|bash|shell)\\s*");
        continue;
      }
      if (!inShell) {
        continue;
      }
      String text = line.strip();
      if (pending == null && (text.isEmpty() || text.startsWith("#"))) {
        continue;
      }
      boolean continues = text.endsWith("\\");
      String part = continues ? text.substring(0, text.length() - 1).stripTrailing() : text;
      pending = pending == null ? new StringBuilder(part) : pending.append(' ').append(part);
      if (!continues) {
        commands.add(pending.toString());
        pending = null;
      }
    }
    return commands;
  }
}
