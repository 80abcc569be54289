package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import io.etl.core.error.EtlException;
import java.util.List;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BigQueryErrorsTest {
  private final BigQueryErrors errors = new BigQueryErrors("my-project", "shop");

  private EtlException grpc(Status status) {
    return errors.classify(new ExecutionException(status.asRuntimeException()), "appending rows to shop.t");
  }

  @Test
  void unavailableQuotaAndRateLimitsAreRetried() {
    for (Status status : new Status[] {Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.ABORTED, Status.INTERNAL,
        Status.RESOURCE_EXHAUSTED.withDescription("Exceeds 'AppendRows throughput' quota")}) {
      assertTrue(grpc(status).isRetryable(), status.getCode().toString());
    }
    EtlException quota = grpc(Status.RESOURCE_EXHAUSTED.withDescription("Exceeds quota"));
    assertEquals("destination_quota", quota.category());
    assertEquals("BigQuery answered RESOURCE_EXHAUSTED while appending rows to shop.t: Exceeds quota.", quota.reason());

    EtlException propagating = grpc(Status.INVALID_ARGUMENT.withDescription(
        "Input schema has more fields than BigQuery schema, extra fields: 'note'"));
    assertTrue(propagating.isRetryable(), "a column just added is not yet seen by the Storage Write API");
    assertEquals("destination_schema_propagating", propagating.category());

    assertTrue(errors.classify(new BigQueryException(403, "Exceeded rate limits",
        new BigQueryError("rateLimitExceeded", "", "Exceeded rate limits")), "running DDL").isRetryable());
    assertTrue(errors.classify(new BigQueryException(503, "backend"), "running DDL").isRetryable());
  }

  @Test
  void invalidArgumentPermissionDeniedAndNotFoundAreFatalWithTheFix() {
    EtlException denied = grpc(Status.PERMISSION_DENIED.withDescription("Permission 'TABLES_UPDATE_DATA' denied"));
    assertFalse(denied.isRetryable());
    assertEquals("destination_permission_denied", denied.category());
    assertEquals("grant the replicator's service account roles/bigquery.dataEditor on dataset my-project.shop and"
        + " roles/bigquery.jobUser on project my-project (roles/bigquery.dataOwner or .admin as well to create the"
        + " dataset).", denied.solution());

    EtlException missing = grpc(Status.NOT_FOUND.withDescription("Table not found"));
    assertFalse(missing.isRetryable());
    assertEquals("destination_not_found", missing.category());
    assertTrue(missing.solution().startsWith("check that project my-project and dataset shop exist"), missing.solution());

    EtlException invalid = grpc(Status.INVALID_ARGUMENT.withDescription("Field qty: INT64 cannot hold 'x'"));
    assertFalse(invalid.isRetryable());
    assertEquals("destination_invalid_request", invalid.category());

    EtlException http = errors.classify(new BigQueryException(403, "Access Denied",
        new BigQueryError("accessDenied", "", "Access Denied")), "creating table t");
    assertFalse(http.isRetryable());
    assertEquals("destination_permission_denied", http.category());
    assertEquals("BigQuery answered HTTP 403 accessDenied while creating table t: Access Denied.", http.reason());

    assertEquals("destination_auth_failed", grpc(Status.UNAUTHENTICATED).category());
  }

  /** What the client throws for errors in a 200 response (a query job that ran and failed): no HTTP status, a reason. */
  private EtlException failedJob(String reason) {
    return errors.classify(new BigQueryException(List.of(new BigQueryError(reason, "query", "it failed"))), "running DDL");
  }

  @Test
  void errorsOfAFailedQueryJobAreClassifiedByTheirReason() {
    EtlException invalid = failedJob("invalidQuery");
    assertFalse(invalid.isRetryable(), "a statement BigQuery refuses is not retried for ever");
    assertEquals("destination_invalid_request", invalid.category());
    assertEquals("BigQuery answered invalidQuery while running DDL: it failed.", invalid.reason());
    assertEquals("destination_not_found", failedJob("notFound").category());
    assertEquals("destination_permission_denied", failedJob("accessDenied").category());
    assertTrue(failedJob("backendError").isRetryable());
    assertTrue(failedJob("jobInternalError").isRetryable());
    assertEquals("destination_quota", failedJob("rateLimitExceeded").category());
    assertTrue(failedJob("somethingNew").isRetryable(), "an error nothing says is final is retried");
  }

  @Test
  void rejectedRowsAreFatalAndListed() {
    EtlException rows = errors.rowsRejected("appending 3 row(s) to shop.t",
        Map.of(2, "Field qty: out of range", 0, "Field name: invalid UTF-8"), null);
    assertFalse(rows.isRetryable());
    assertEquals("BigQuery rejected 2 row(s) while appending 3 row(s) to shop.t and wrote none of the request (row 0:"
        + " Field name: invalid UTF-8; row 2: Field qty: out of range).", rows.reason());
  }
}
