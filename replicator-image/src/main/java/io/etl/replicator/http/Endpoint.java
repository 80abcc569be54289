package io.etl.replicator.http;

/** The endpoints served on one listener; {@link HttpListener} turns HTTP into calls of it. */
@FunctionalInterface
public interface Endpoint {
  Answer answer(Call call);
}
