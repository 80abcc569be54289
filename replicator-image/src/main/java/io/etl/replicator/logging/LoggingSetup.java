package io.etl.replicator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.etl.core.config.LogConfig;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Replaces the start-up {@code logback.xml} with what the pipeline YAML asks for: {@code
 * log.level}, and {@code log.format} {@code text} (one readable line per event) or {@code json}
 * (one JSON object per line, Logback's {@link JsonEncoder}: timestamp, level, threadName,
 * loggerName, mdc, formattedMessage, throwable), written to stdout.
 */
public final class LoggingSetup {
  public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  /** Chatty at INFO, and nothing there a user of the replicator acts on. */
  private static final List<String> QUIET_LOGGERS = List.of("io.zonky", "org.postgresql", "org.eclipse.jetty");

  // pgjdbc logs through java.util.logging; JUL keeps loggers weakly, so the level needs a strong reference
  private static final java.util.logging.Logger PGJDBC_JUL = java.util.logging.Logger.getLogger("org.postgresql");

  private LoggingSetup() {}

  public static void configure(LogConfig config) {
    configure(config, System.out);
  }

  /** Sends every log event to {@code out} (never closed here: it is usually stdout). */
  public static void configure(LogConfig config, OutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();

    Encoder<ILoggingEvent> encoder = encoder(config.format(), context);
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("stdout");
    appender.setEncoder(encoder);
    appender.setOutputStream(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws java.io.IOException {
        flush();
      }
    });
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(config.level(), Level.INFO));
    root.addAppender(appender);
    for (String name : QUIET_LOGGERS) {
      context.getLogger(name).setLevel(Level.WARN);
    }
    PGJDBC_JUL.setLevel(java.util.logging.Level.WARNING);
  }

  private static Encoder<ILoggingEvent> encoder(String format, LoggerContext context) {
    if (format.equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // log collectors want the rendered text; the template plus arguments, context and sequence
      // numbers would only double each line
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
