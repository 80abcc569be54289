package io.etl.replicator.http;

/**
 * What an endpoint sees of a request.
 *
 * @param path the decoded path, e.g. {@code /tables/public.orders/retry}
 * @param authorization the {@code Authorization} header, or null
 */
public record Call(String method, String path, String authorization) {
  public boolean isRead() {
    return method.equals("GET") || method.equals("HEAD");
  }
}
