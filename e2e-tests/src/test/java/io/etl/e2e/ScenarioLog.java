package io.etl.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per scenario with its cluster, outcome and duration, in the log and in
 * target/e2e-scenarios.txt, so a run's summary reads at a glance.
 */
public final class ScenarioLog implements BeforeEachCallback, AfterEachCallback {
  private static final Logger log = LoggerFactory.getLogger(ScenarioLog.class);
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ScenarioLog.class);
  private static final Path SUMMARY = Path.of("target", "e2e-scenarios.txt");

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NAMESPACE).put("started", System.nanoTime());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    long millis = (System.nanoTime() - context.getStore(NAMESPACE).get("started", Long.class)) / 1_000_000;
    OnCluster on = context.getRequiredTestClass().getAnnotation(OnCluster.class);
    String line = String.format("%s %s.%s on %s: %s in %.1f s", LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
        context.getRequiredTestClass().getSuperclass().getSimpleName(), context.getRequiredTestMethod().getName(),
        on == null ? "?" : on.value(), context.getExecutionException().map(e -> "FAILED (" + e.toString().lines().findFirst().orElse("") + ")").orElse("passed"),
        millis / 1000.0);
    log.info("scenario {}", line);
    try {
      Files.createDirectories(SUMMARY.getParent());
      Files.writeString(SUMMARY, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("could not write {}: {}", SUMMARY, e.toString());
    }
  }
}
