package io.etl.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients that hold connections to an HTTP port without finishing a request: some only connect,
 * some send one byte of a request line and stop, as a stuck scraper or a slowloris would. Then a
 * probe as the kubelet makes it, with the probe's own timeout.
 */
public final class StalledClients implements AutoCloseable {
  private final List<Socket> sockets = new ArrayList<>();

  private StalledClients() {}

  /** Opens {@code idle} connections that send nothing and {@code slow} that send one byte. */
  public static StalledClients open(int port, int idle, int slow) {
    StalledClients clients = new StalledClients();
    try {
      for (int i = 0; i < idle + slow; i++) {
        Socket socket = new Socket();
        clients.sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        if (i >= idle) {
          socket.getOutputStream().write('G');
          socket.getOutputStream().flush();
        }
      }
    } catch (IOException e) {
      clients.close();
      throw new UncheckedIOException("cannot open the stalled connections to port " + port, e);
    }
    return clients;
  }

  /** How many of the connections the server has not closed (yet). */
  public long stillOpen() {
    return sockets.stream().filter(s -> {
      try {
        s.setSoTimeout(1);
        return s.getInputStream().read() != -1;
      } catch (SocketTimeoutException open) {
        return true;
      } catch (IOException closed) {
        return false;
      }
    }).count();
  }

  /**
   * GET {@code path} on a new connection, as a kubelet probe does, giving up after {@code timeout}
   * (the probe's timeoutSeconds): a server that cannot answer within it fails this call.
   */
  public static HttpResponse<String> probe(int port, String path, Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a test's own connection: nothing to report
      }
    }
  }
}
