package io.etl.replicator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin port: {@code GET /status} (the {@link RuntimeStatus} as JSON, errors with their
 * reasons) and {@code POST /tables/{schema.table}/retry} (empties an errored table in the
 * destination and copies it again). With a token configured, every request must carry it.
 */
final class AdminEndpoints implements Endpoint {
  private static final String TABLES = "/tables/";
  private static final String RETRY = "/retry";

  private final AdminToken token;
  private final Supplier<RuntimeStatus> status;
  private final Function<String, PipelineRuntime.RetryOutcome> retryTable;
  private final ObjectMapper json =
      JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  AdminEndpoints(AdminToken token, Supplier<RuntimeStatus> status, Function<String, PipelineRuntime.RetryOutcome> retryTable) {
    this.token = token;
    this.status = status;
    this.retryTable = retryTable;
  }

  @Override
  public Answer answer(Call call) {
    if (!token.admits(call.authorization())) {
      // the same answer for a missing and a wrong token, and never the token itself
      return Answer.text(401, "unauthorized: send the token of http.admin.token as 'Authorization: Bearer <token>'\n")
          .withHeader("WWW-Authenticate", "Bearer realm=\"etl-admin\"");
    }
    String path = call.path();
    if (path.startsWith(TABLES) && path.endsWith(RETRY) && path.length() > TABLES.length() + RETRY.length()) {
      return retry(call, path.substring(TABLES.length(), path.length() - RETRY.length()));
    }
    if (path.equals("/status")) {
      return call.isRead()
          ? new Answer(200, Answer.JSON, toJson(status.get()) + "\n", Map.of())
          : Answer.text(405, "method not allowed\n").withHeader("Allow", "GET, HEAD");
    }
    return Answer.text(404, "not found; the admin port serves GET /status and POST /tables/{schema.table}/retry\n");
  }

  private Answer retry(Call call, String table) {
    if (!call.method().equals("POST")) {
      return Answer.text(405, "method not allowed; POST to retry an errored table\n").withHeader("Allow", "POST");
    }
    return switch (retryTable.apply(table)) {
      case RETRIED -> Answer.text(202, "table " + table + " will be copied again\n");
      case NOT_ERRORED -> Answer.text(409, "table " + table + " is not errored; nothing to retry\n");
      case UNKNOWN_TABLE -> Answer.text(404, "no table " + table + " in this pipeline (see /status)\n");
      case NOT_RUNNING -> Answer.text(503, "the pipeline is not running yet; try again\n");
    };
  }

  private String toJson(RuntimeStatus value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
