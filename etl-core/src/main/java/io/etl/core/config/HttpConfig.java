package io.etl.core.config;

import java.util.List;

/** The port serving /metrics, /healthz, /readyz and /status; 0 picks a free one. */
public record HttpConfig(Integer port, String bindAddress) {
  public static final HttpConfig DEFAULT = new HttpConfig(null, null);

  public HttpConfig {
    port = port == null ? 9187 : port;
    bindAddress = bindAddress == null ? "0.0.0.0" : bindAddress;
  }

  public void validate(List<String> problems) {
    if (port < 0 || port > 65535) {
      problems.add("http.port must be between 0 and 65535, got " + port);
    }
  }
}
