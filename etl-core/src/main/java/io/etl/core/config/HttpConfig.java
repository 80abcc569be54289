package io.etl.core.config;

import java.util.List;

/**
 * The public port, serving /metrics, /healthz and /readyz to whoever reaches it (0 picks a free
 * one), and the admin port for /status and table retries ({@link AdminHttpConfig}).
 */
public record HttpConfig(Integer port, String bindAddress, AdminHttpConfig admin) {
  public static final HttpConfig DEFAULT = new HttpConfig(null, null, null);

  public HttpConfig {
    port = port == null ? 9187 : port;
    bindAddress = bindAddress == null ? "0.0.0.0" : bindAddress;
    admin = admin == null ? AdminHttpConfig.DEFAULT : admin;
  }

  /** The public port as given, the admin port by default. */
  public HttpConfig(Integer port, String bindAddress) {
    this(port, bindAddress, null);
  }

  public void validate(List<String> problems) {
    if (port < 0 || port > 65535) {
      problems.add("http.port must be between 0 and 65535, got " + port);
    }
    admin.validate(problems);
    if (port != 0 && port.equals(admin.port())) {
      problems.add("http.admin.port must differ from http.port (both are " + port + ")");
    }
  }
}
