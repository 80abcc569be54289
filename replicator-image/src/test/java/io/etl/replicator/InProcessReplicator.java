package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.etl.core.testing.Eventually;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** {@link Main#run} on a thread of the test, with its endpoints at hand. */
final class InProcessReplicator implements AutoCloseable {
  private static final HttpClient http = HttpClient.newHttpClient();
  private final Thread main;
  private final Replicator replicator;
  private final AtomicInteger code;
  private final ByteArrayOutputStream err;

  private InProcessReplicator(Thread main, Replicator replicator, AtomicInteger code, ByteArrayOutputStream err) {
    this.main = main;
    this.replicator = replicator;
    this.code = code;
    this.err = err;
  }

  static InProcessReplicator start(Path config, Map<String, String> env) throws Exception {
    CompletableFuture<Replicator> started = new CompletableFuture<>();
    AtomicInteger code = new AtomicInteger(-1);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread main = new Thread(() -> code.set(Main.run(new String[] {config.toString()}, env, new ByteArrayOutputStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), (r, bound) -> started.complete(r))), "replicator-main");
    main.start();
    return new InProcessReplicator(main, started.get(60, TimeUnit.SECONDS), code, err);
  }

  /** GET {@code path} on the replicator's public port; fails the test while the port is not served. */
  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(replicator.httpPort(), path)));
  }

  /** POST {@code path} with an empty body on the public port. */
  HttpResponse<String> post(String path) {
    return send(HttpRequest.newBuilder(uri(replicator.httpPort(), path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** GET {@code path} on the admin port, with {@code Authorization: Bearer token} unless token is null. */
  HttpResponse<String> adminGet(String path, String token) {
    return send(authorized(HttpRequest.newBuilder(uri(replicator.adminPort(), path)), token));
  }

  /** POST {@code path} on the admin port, with {@code Authorization: Bearer token} unless token is null. */
  HttpResponse<String> adminPost(String path, String token) {
    return send(authorized(HttpRequest.newBuilder(uri(replicator.adminPort(), path))
        .POST(HttpRequest.BodyPublishers.noBody()), token));
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  /** The body of /status, from the admin port. */
  String statusJson() {
    HttpResponse<String> status = adminGet("/status", null);
    if (status.statusCode() != 200) {
      fail("/status answered " + status.statusCode() + ": " + status.body());
    }
    return status.body();
  }

  private static URI uri(int port, String path) {
    if (port <= 0) {
      fail("the endpoints are not served");
    }
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The pipeline's status as /status would show it, read in process. */
  io.etl.core.pipeline.RuntimeStatus status() {
    return replicator.status();
  }

  boolean serving() {
    return replicator.httpPort() > 0;
  }

  boolean ready() {
    return serving() && get("/readyz").statusCode() == 200;
  }

  /** Stops the replicator as SIGTERM would and returns its exit code. */
  int stop() throws InterruptedException {
    replicator.stop();
    main.join(TimeUnit.SECONDS.toMillis(60));
    if (main.isAlive()) {
      fail("the replicator did not stop within 60 s");
    }
    return code.get();
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    if (main.isAlive()) {
      stop();
    }
  }

  /** Waits up to 60 s for {@code condition} (see {@link Eventually}). */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Eventually.await(what, Duration.ofSeconds(60), condition::getAsBoolean, () -> "");
  }
}
