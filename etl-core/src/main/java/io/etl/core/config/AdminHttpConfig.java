package io.etl.core.config;

import java.util.List;

/**
 * The admin port: {@code GET /status} (names the source's host, user and database) and {@code
 * POST /tables/{name}/retry} (empties a destination table and copies it again). By default it
 * listens on loopback only, where a caller must be inside the pod or come through {@code kubectl
 * port-forward}, which Kubernetes RBAC guards. On any other address a bearer token is required.
 *
 * @param token where the bearer token lives; every request must then carry {@code Authorization:
 *     Bearer <token>}, also on loopback
 */
public record AdminHttpConfig(Integer port, String bindAddress, SecretRef token) {
  public static final int DEFAULT_PORT = 9188;
  public static final String LOOPBACK = "127.0.0.1";
  public static final AdminHttpConfig DEFAULT = new AdminHttpConfig(null, null, null);

  public AdminHttpConfig {
    port = port == null ? DEFAULT_PORT : port;
    bindAddress = bindAddress == null ? LOOPBACK : bindAddress;
  }

  public void validate(List<String> problems) {
    if (port < 0 || port > 65535) {
      problems.add("http.admin.port must be between 0 and 65535, got " + port);
    }
    if (token != null) {
      token.validate("http.admin.token", problems);
    } else if (!isLoopback(bindAddress)) {
      problems.add("http.admin.bindAddress " + bindAddress + " is not a loopback address, so http.admin.token is required"
          + " (anyone who reaches the admin port can empty and copy tables again): set http.admin.token.file to a file"
          + " holding a bearer token, or bind the admin port to " + LOOPBACK + " and reach it with kubectl port-forward");
    }
  }

  /**
   * Literal loopback addresses and {@code localhost} only: a check on the text, so validating a
   * config never resolves a name.
   */
  static boolean isLoopback(String address) {
    String a = address.strip();
    return a.equals("localhost") || a.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || a.equals("::1") || a.equals("[::1]");
  }
}
