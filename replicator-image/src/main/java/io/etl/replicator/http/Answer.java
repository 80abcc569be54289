package io.etl.replicator.http;

import java.util.HashMap;
import java.util.Map;

/** What an endpoint answers: status, content type, body and any extra headers. */
public record Answer(int status, String contentType, String body, Map<String, String> headers) {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  static Answer text(int status, String body) {
    return new Answer(status, TEXT, body, Map.of());
  }

  Answer withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new Answer(status, contentType, body, Map.copyOf(more));
  }
}
