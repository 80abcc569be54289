package io.etl.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Where the BigQuery destination reaches BigQuery when not at Google's public endpoints: an
 * emulator run for tests or local work, or a Private Service Connect endpoint.
 *
 * <p>Each is {@code http://host:port} or {@code https://host[:port]}, nothing after the port. Both
 * use one scheme: {@code http} (an emulator) sends no credentials at all, so that a token never
 * travels in clear text, and therefore allows no {@code credentials}; {@code https} authenticates as
 * without endpoints.
 *
 * @param api the BigQuery API (REST: datasets, tables, queries), e.g. {@code http://localhost:9050}
 * @param storage the Storage Write API (gRPC), e.g. {@code http://localhost:9060}
 */
public record BigQueryEndpoints(String api, String storage) {

  /** Whether the endpoints are plain http: an emulator, reached without credentials. */
  public boolean plaintext() {
    return "http".equals(uri(api).getScheme());
  }

  /** The Storage Write API endpoint as gRPC takes it: {@code host:port}, 443 when https names none. */
  public String storageHostAndPort() {
    URI uri = uri(storage);
    int port = uri.getPort() > 0 ? uri.getPort() : 443;
    return uri.getHost() + ":" + port;
  }

  public void validate(String field, boolean credentialsSet, List<String> problems) {
    String apiScheme = check(field + ".api", api, problems);
    String storageScheme = check(field + ".storage", storage, problems);
    if (apiScheme == null || storageScheme == null) {
      return;
    }
    if (!apiScheme.equals(storageScheme)) {
      problems.add(field + ".api and " + field + ".storage must both be http (an emulator, no credentials) or both"
          + " https, got " + apiScheme + " and " + storageScheme);
    } else if (apiScheme.equals("http") && credentialsSet) {
      problems.add(field + " are plain http, which never carries credentials: leave out the credentials, or use https"
          + " endpoints");
    }
  }

  private static String check(String field, String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is required with endpoints (http://host:port or https://host[:port])");
      return null;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      problems.add(field + " must be http://host:port or https://host[:port], got '" + value + "'");
      return null;
    }
    String scheme = uri.getScheme();
    boolean bare = uri.getHost() != null && uri.getUserInfo() == null && uri.getQuery() == null && uri.getFragment() == null
        && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
    if (!bare || !("http".equals(scheme) || "https".equals(scheme)) || (scheme.equals("http") && uri.getPort() < 0)) {
      problems.add(field + " must be http://host:port or https://host[:port] with nothing after the port, got '"
          + value + "'");
      return null;
    }
    return scheme;
  }

  private static URI uri(String value) {
    return URI.create(value);
  }
}
