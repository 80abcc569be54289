package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.etl.core.error.EtlException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MainTest {
  static final String MEMORY_CONFIG =
      """
      pipeline:
        id: orders
        publication: orders_pub
      source:
        host: localhost
        database: shop
        user: replicator
        password:
          env: SOURCE_PASSWORD
      destination:
        type: memory
      http:
        port: 0
        bindAddress: 127.0.0.1
      """;

  @TempDir Path dir;

  /** Exit code and everything written to stderr. */
  record Outcome(int code, String err) {}

  private Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    int code =
        Main.run(args, env, logs, new PrintStream(err, true, StandardCharsets.UTF_8), (replicator, bound) -> {
          throw new AssertionError("must not start");
        });
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
  }

  @Test
  void noConfigFileGivenExits2() {
    assertEquals(
        new Outcome(
            2, "etl: no config file given. Fix: pass the path of the pipeline YAML as the first argument or set ETL_CONFIG.\n"),
        run(Map.of()));
  }

  @Test
  void missingFileFromArgumentOrEtlConfigExits2() {
    Path missing = dir.resolve("absent.yaml");
    Outcome expected =
        new Outcome(
            2,
            "etl: config file " + missing + " does not exist."
                + " Fix: pass the path of an existing pipeline YAML as the first argument or in ETL_CONFIG.\n");
    assertEquals(expected, run(Map.of(), missing.toString()));
    assertEquals(expected, run(Map.of("ETL_CONFIG", missing.toString())));
  }

  @Test
  void malformedYamlExits2WithLineAndColumn() throws IOException {
    Path file = write("pipeline:\n  id: orders: x\n");
    assertEquals(
        new Outcome(
            2,
            "etl: config file " + file + " is not valid YAML at line 2, column 13: mapping values are not allowed here."
                + " Fix: correct the YAML syntax there (indent with spaces, not tabs; put a space after each ':';"
                + " quote values that contain ': ' or ' #').\n"),
        run(Map.of(), file.toString()));
  }

  @Test
  void unknownKeyExits2NamingKeyAndLine() throws IOException {
    Path file = write(MEMORY_CONFIG.replace("  database: shop", "  databse: shop"));
    assertEquals(
        new Outcome(
            2,
            "etl: unknown key 'source.databse' at line 6 in " + file
                + " (known keys: host, port, database, user, password, sslMode, sslRootCert). Fix: remove or correct it.\n"),
        run(Map.of(), file.toString()));
  }

  @Test
  void secretNotSetExits2WithoutStarting() throws IOException {
    Path file = write(MEMORY_CONFIG);
    assertEquals(
        new Outcome(
            2,
            "etl: source.password names environment variable SOURCE_PASSWORD, which is not set."
                + " Fix: set SOURCE_PASSWORD in the replicator's environment, or point source.password.file at a file"
                + " holding the secret.\n"),
        run(Map.of(), file.toString()));
  }

  @Test
  void invalidShutdownTimeoutExits2() throws IOException {
    Path file = write(MEMORY_CONFIG);
    assertEquals(
        new Outcome(
            2,
            "etl: ETL_SHUTDOWN_TIMEOUT_MS must be a positive whole number of milliseconds, got 'soon'."
                + " Fix: set it to e.g. 30000, or unset it for the default of 30000.\n"),
        run(Map.of("ETL_SHUTDOWN_TIMEOUT_MS", "soon", "SOURCE_PASSWORD", "x"), file.toString()));
  }

  @Test
  void passwordWrittenInlineIsInNeitherTheLineNorTheDebugLog() throws IOException {
    String secret = "hunter2-Zx81";
    Path file = write(MEMORY_CONFIG.replace("  password:\n    env: SOURCE_PASSWORD", "  password: " + secret));
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    root.setLevel(Level.DEBUG);
    Outcome outcome;
    try {
      outcome = run(Map.of(), file.toString());
    } finally {
      root.setLevel(level);
      root.detachAppender(log);
    }
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().startsWith("etl: wrong type for 'source.password' at line 8 in " + file), outcome.err());
    assertFalse(outcome.err().contains(secret), outcome.err());
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().equals("details of the failure above")), "no debug log");
    for (ILoggingEvent event : log.list) {
      String logged = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertFalse(logged.contains(secret), logged);
    }
  }

  @Test
  void anAdminPortOffLoopbackWithoutATokenExits2() throws IOException {
    Path file = write(MEMORY_CONFIG + "  admin:\n    bindAddress: 0.0.0.0\n");
    assertEquals(
        new Outcome(
            2,
            "etl: config file " + file + " is invalid: http.admin.bindAddress 0.0.0.0 is not a loopback address, so"
                + " http.admin.token is required (anyone who reaches the admin port can empty and copy tables again): set"
                + " http.admin.token.file to a file holding a bearer token, or bind the admin port to 127.0.0.1 and reach"
                + " it with kubectl port-forward. Fix: correct that field in " + file + ".\n"),
        run(Map.of("SOURCE_PASSWORD", "x"), file.toString()));
  }

  @Test
  void aShortAdminTokenExits2WithoutShowingIt() throws IOException {
    Path token = Files.writeString(dir.resolve("admin-token"), "letmein\n");
    Path file = write(MEMORY_CONFIG + "  admin:\n    bindAddress: 0.0.0.0\n    token: {file: " + token + "}\n");
    Outcome outcome = run(Map.of("SOURCE_PASSWORD", "x"), file.toString());
    assertEquals(
        new Outcome(
            2,
            "etl: http.admin.token (file:" + token + ") holds 7 characters, fewer than the 32 an admin token needs."
                + " Fix: write a random token there, e.g. with openssl rand -hex 32.\n"),
        outcome);
    assertFalse(outcome.err().contains("letmein"));
  }

  @Test
  void tooManyArgumentsExits2() {
    assertEquals(
        new Outcome(
            2,
            "etl: expected at most one argument (the config file), got 2."
                + " Fix: run 'java io.etl.replicator.Main [path/to/pipeline.yaml]'.\n"),
        run(Map.of(), "a.yaml", "b.yaml"));
  }

  @Test
  void failuresMapToDocumentedExitCodesAndOneLine() {
    Failure fatal =
        Failure.of(EtlException.fatal("publication_missing", "publication orders_pub does not exist.", "create it.", null));
    assertEquals(new Failure(ExitCode.FATAL_ERROR, "etl: publication orders_pub does not exist. Fix: create it.", false), fatal);

    Failure secret = Failure.of(EtlException.fatal("config_invalid", "source.password names file /x, which cannot be read.", "mount it.", null));
    assertEquals(ExitCode.INVALID_CONFIG, secret.exitCode());

    Failure bug = Failure.of(new IllegalStateException("boom\nsecond line"));
    assertEquals(ExitCode.INTERNAL_ERROR, bug.exitCode());
    assertTrue(bug.withStackTrace());
    assertEquals(
        "etl: unexpected internal error (java.lang.IllegalStateException: boom second line). Fix: restart the"
            + " replicator; if it happens again, report it with the stack trace that follows this line.",
        bug.line());
  }
}
