package io.etl.replicator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (Kubernetes) and SIGINT (Ctrl-C) stop the replicator gracefully: the pipeline stops
 * reading, flushes and confirms, and the process exits 0. If that takes longer than the bound,
 * the process halts with exit code 1 rather than hang until the kubelet's SIGKILL.
 */
final class SignalShutdown {
  private static final Logger log = LoggerFactory.getLogger(SignalShutdown.class);

  private SignalShutdown() {}

  static void install(Runnable stop, Duration bound, PrintStream err) {
    AtomicBoolean stopping = new AtomicBoolean();
    // the JVM's own handlers would run shutdown hooks and exit at once, without a flush
    sun.misc.SignalHandler handler =
        signal -> {
          if (!stopping.compareAndSet(false, true)) {
            log.info("received SIG{} while already stopping; still waiting for the pipeline to flush", signal.getName());
            return;
          }
          log.info("received SIG{}; stopping gracefully (at most {} ms)", signal.getName(), bound.toMillis());
          startWatchdog(bound, err);
          stop.run();
        };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }

  private static void startWatchdog(Duration bound, PrintStream err) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(bound.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              String line =
                  FailureLine.format(
                      "shutdown did not finish within " + bound.toMillis() + " ms, halting",
                      "look at the last log lines for what was still running; raise " + Main.SHUTDOWN_TIMEOUT_ENV
                          + " if the destination needs longer to flush");
              log.error(line);
              err.println(line);
              err.flush();
              Runtime.getRuntime().halt(ExitCode.INTERNAL_ERROR.code());
            },
            "shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
