package io.etl.replicator.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineConfigYaml;
import io.etl.core.config.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the pipeline YAML strictly through {@link PipelineConfigYaml} (the mapping the operator
 * writes the ConfigMap with; unknown keys, duplicate keys, wrong types and invalid values are
 * errors) and turns every failure into one {@link InvalidConfigException} whose line names
 * the file, the key and the line. Secrets are not read here: the YAML only names where they live.
 *
 * <p>Nothing a user wrote under a secret key ({@link SecretKeys}) is repeated: a password written
 * inline is reported by its kind ("got a text value"), never its text. And no failure here carries
 * the parser's exception as its cause: Jackson's and SnakeYAML's messages quote the input (the
 * value, or the whole line with a caret), and the cause goes to the debug log; the one line
 * already says where the problem is.
 */
public final class ConfigLoader {
  private static final String EXAMPLE = "the example in replicator-image/src/main/resources/examples/pipeline.yaml";

  /** Reads and validates {@code file}. */
  public PipelineConfig load(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException(
          "config file " + name + " does not exist",
          "pass the path of an existing pipeline YAML as the first argument or in ETL_CONFIG",
          e);
    } catch (IOException e) {
      throw new InvalidConfigException(
          "config file " + name + " cannot be read (" + e.getClass().getSimpleName() + ")",
          "make the file readable by the replicator's user",
          e);
    }
    return parse(text, name);
  }

  /** Reads and validates YAML {@code text}; {@code name} is how messages refer to it. */
  public PipelineConfig parse(String text, String name) {
    PipelineConfig config;
    try {
      config = PipelineConfigYaml.read(text);
    } catch (JsonProcessingException e) {
      throw translate(e, text, name);
    }
    if (config == null) {
      throw new InvalidConfigException("config file " + name + " is empty", "write the pipeline configuration into it, starting from " + EXAMPLE);
    }
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(
          "config file " + name + " is invalid: " + String.join("; ", problems),
          "correct " + (problems.size() == 1 ? "that field" : "those fields") + " in " + name);
    }
    return config;
  }

  private static InvalidConfigException translate(JsonProcessingException e, String text, String name) {
    JsonParseException syntax = syntaxError(e);
    if (syntax != null) {
      return syntaxProblem(syntax, name);
    }
    int line = lineOf(e);
    if (e instanceof UnrecognizedPropertyException unknown) {
      List<String> path = keyNames(unknown.getPath());
      int at = located(text, path).map(YamlKeyLocator.Located::line).orElse(line);
      List<String> parent = path.subList(0, Math.max(0, path.size() - 1));
      // under a secret key even a key name may be the secret, written where it does not belong
      String key = SecretKeys.within(parent)
          ? "under '" + String.join(".", parent) + "'"
          : "'" + String.join(".", path) + "'";
      return new InvalidConfigException(
          "unknown key " + key + " at line " + at + " in " + name + " (known keys: " + knownKeys(unknown) + ")",
          "remove or correct it");
    }
    if (e instanceof MismatchedInputException mismatch) {
      if (mismatch.getOriginalMessage().startsWith("No content to map")) {
        return new InvalidConfigException("config file " + name + " is empty", "write the pipeline configuration into it, starting from " + EXAMPLE);
      }
      if (mismatch.getOriginalMessage().startsWith("Trailing token")) {
        return new InvalidConfigException(
            "config file " + name + " holds a second YAML document at line " + line,
            "keep one document: remove the '---' separator and what follows");
      }
      return wrongType(mismatch, text, name, line);
    }
    // a record constructor that throws, or anything else databind reports
    List<String> path = e instanceof JsonMappingException mapping ? keyNames(mapping.getPath()) : List.of();
    String detail = String.join(".", path);
    // databind's message may quote the value
    String said = SecretKeys.within(path) ? "the value is not valid there (not shown: it is a secret)" : firstLine(e.getOriginalMessage());
    return new InvalidConfigException(
        "config file " + name + " cannot be read at line " + line + (detail.isEmpty() ? "" : " ('" + detail + "')") + ": " + said,
        "correct the value there, starting from " + EXAMPLE);
  }

  private static InvalidConfigException wrongType(MismatchedInputException mismatch, String text, String name, int line) {
    List<String> path = keyNames(mismatch.getPath());
    String field = path.isEmpty() ? "the top level" : "'" + String.join(".", path) + "'";
    String expected = expectedType(mismatch.getTargetType());
    Optional<YamlKeyLocator.Located> at = located(text, path);
    String where = "wrong type for " + field + " at line " + at.map(YamlKeyLocator.Located::line).orElse(line) + " in " + name
        + ": expected " + expected + ", got ";
    if (!SecretKeys.within(path)) {
      return new InvalidConfigException(where + at.map(YamlKeyLocator.Located::value).orElse("something else"),
          "change " + field + " to " + expected);
    }
    String kind = at.map(YamlKeyLocator.Located::kind).orElse("something else");
    boolean writtenInline = mismatch.getTargetType() == SecretRef.class && !kind.equals("a mapping") && !kind.equals("a list");
    String key = String.join(".", path);
    return new InvalidConfigException(where + kind + " (not shown: it is a secret)",
        writtenInline
            ? "put the secret into an environment variable or a file and name that here, e.g. '" + key + ": {env: NAME}' or '"
                + key + ": {file: /path}'"
            : "change " + field + " to " + expected);
  }

  /** The YAML syntax error behind {@code e}, also when databind wrapped it while reading a value. */
  private static JsonParseException syntaxError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonParseException parse) {
        return parse;
      }
    }
    return null;
  }

  private static InvalidConfigException syntaxProblem(JsonParseException e, String name) {
    if (e.getOriginalMessage().startsWith("Duplicate field")) {
      return new InvalidConfigException(
          "duplicate key '" + keyPath(e.getProcessor()) + "' at line " + lineOf(e) + " in " + name,
          "keep only one of them");
    }
    int line = lineOf(e);
    int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
    String problem = firstLine(e.getOriginalMessage());
    // SnakeYAML knows where the problem is; the parser's location is the last good token
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      line = marked.getProblemMark().getLine() + 1;
      column = marked.getProblemMark().getColumn() + 1;
      problem = marked.getProblem();
    }
    return new InvalidConfigException(
        "config file " + name + " is not valid YAML at line " + line + ", column " + column + ": " + problem,
        "correct the YAML syntax there (indent with spaces, not tabs; put a space after each ':'; quote values that contain ': ' or ' #')");
  }

  private static int lineOf(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? 0 : at.getLineNr();
  }

  /** The dotted key the parser is at, for errors raised before databind knows a path. */
  private static String keyPath(Object processor) {
    if (!(processor instanceof JsonParser parser)) {
      return "?";
    }
    List<String> names = new ArrayList<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      if (c.getCurrentName() != null) {
        names.add(0, c.getCurrentName());
      }
    }
    return String.join(".", names);
  }

  /** In the order the record declares them (the order of the example), not databind's. */
  private static String knownKeys(UnrecognizedPropertyException e) {
    List<String> known = e.getKnownPropertyIds().stream().map(Objects::toString).collect(Collectors.toList());
    Class<?> type = e.getReferringClass();
    if (type != null && type.isRecord()) {
      List<String> declared = Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).filter(known::contains).toList();
      if (declared.size() == known.size()) {
        known = declared;
      }
    }
    return String.join(", ", known);
  }

  private static Optional<YamlKeyLocator.Located> located(String text, List<String> path) {
    return path.stream().anyMatch(n -> n.startsWith("[")) ? Optional.empty() : YamlKeyLocator.find(text, path);
  }

  private static List<String> keyNames(List<JsonMappingException.Reference> path) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference r : path) {
      names.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return names;
  }

  private static String expectedType(Class<?> type) {
    if (type == null) {
      return "another kind of value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == java.math.BigDecimal.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type.isRecord()) {
      return "a mapping with the keys "
          + Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.joining(", "));
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping";
    }
    return "a " + type.getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown problem";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
