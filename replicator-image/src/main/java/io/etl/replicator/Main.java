package io.etl.replicator;

import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.replicator.config.ConfigLoader;
import io.etl.replicator.config.InvalidConfigException;
import io.etl.replicator.config.SecretCheck;
import io.etl.replicator.logging.LoggingSetup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java io.etl.replicator.Main [path/to/pipeline.yaml]}; without an argument the path is
 * read from {@code ETL_CONFIG}. Exit codes: {@link ExitCode}. Every failure prints exactly one
 * line {@code etl: <problem>. Fix: <fix>} to stderr.
 */
public final class Main {
  public static final String CONFIG_ENV = "ETL_CONFIG";
  public static final String SHUTDOWN_TIMEOUT_ENV = "ETL_SHUTDOWN_TIMEOUT_MS";
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  /** Called with the replicator before it runs, and the bound on a graceful stop. */
  @FunctionalInterface
  public interface StartHook {
    void starting(Replicator replicator, Duration shutdownTimeout);
  }

  private Main() {}

  public static void main(String[] args) {
    int code =
        run(args, System.getenv(), System.out, System.err, (replicator, bound) -> SignalShutdown.install(replicator::stop, bound, System.err));
    System.exit(code);
  }

  /** Runs the replicator in this thread with logs on stdout and returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream err) {
    return run(args, env, System.out, err, (replicator, bound) -> {});
  }

  /**
   * Runs the replicator in this thread and returns the exit code.
   *
   * @param logOut where log events go once the config is read
   * @param err where the one-line failure goes
   * @param hook sees the replicator before it runs (signal handlers, or a test that stops it)
   */
  public static int run(String[] args, Map<String, String> env, OutputStream logOut, PrintStream err, StartHook hook) {
    try {
      Path configFile = configFile(args, env);
      Duration shutdownTimeout = shutdownTimeout(env);
      PipelineConfig config = new ConfigLoader().load(configFile);
      LoggingSetup.configure(config.log(), logOut);
      SecretCheck.verify(config, env);
      logStart(configFile, config);
      Replicator replicator = new Replicator(config, env);
      hook.starting(replicator, shutdownTimeout);
      replicator.run();
      log.info("pipeline {} stopped", config.pipeline().id());
      return ExitCode.STOPPED.code();
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Failure failure = Failure.of(e);
      err.println(failure.line());
      if (failure.withStackTrace()) {
        e.printStackTrace(err);
      } else {
        log.debug("details of the failure above", e);
      }
      err.flush();
      return failure.exitCode().code();
    }
  }

  private static Path configFile(String[] args, Map<String, String> env) {
    if (args.length > 1) {
      throw new InvalidConfigException(
          "expected at most one argument (the config file), got " + args.length,
          "run 'java io.etl.replicator.Main [path/to/pipeline.yaml]'");
    }
    String path = args.length == 1 ? args[0] : env.get(CONFIG_ENV);
    if (path == null || path.isBlank()) {
      throw new InvalidConfigException(
          "no config file given", "pass the path of the pipeline YAML as the first argument or set " + CONFIG_ENV);
    }
    return Path.of(path);
  }

  private static Duration shutdownTimeout(Map<String, String> env) {
    String value = env.get(SHUTDOWN_TIMEOUT_ENV);
    if (value == null || value.isBlank()) {
      return DEFAULT_SHUTDOWN_TIMEOUT;
    }
    try {
      long ms = Long.parseLong(value.strip());
      if (ms > 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new InvalidConfigException(
        SHUTDOWN_TIMEOUT_ENV + " must be a positive whole number of milliseconds, got '" + value + "'",
        "set it to e.g. 30000, or unset it for the default of " + DEFAULT_SHUTDOWN_TIMEOUT.toMillis());
  }

  // names where the secrets live, never their values
  private static void logStart(Path configFile, PipelineConfig config) {
    PostgresConnectionConfig source = config.source();
    String destination =
        config.destination().postgres() == null
            ? config.destination().type()
            : config.destination().type() + " " + describe(config.destination().postgres());
    log.info(
        "starting pipeline {} from {}: publication {}, source {}, destination {}, state store {}",
        config.pipeline().id(), configFile, config.pipeline().publication(), describe(source), destination,
        config.stateStore().type());
  }

  private static String describe(PostgresConnectionConfig c) {
    return c.user() + "@" + c.host() + ":" + c.port() + "/" + c.database() + " (sslMode " + c.sslMode()
        + (c.password() == null ? ", no password" : ", password from " + c.password()) + ")";
  }
}
