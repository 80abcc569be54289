package io.etl.destinations.bigquery;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.BaseServiceException;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import io.etl.core.error.EtlException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Classifies every failure of a BigQuery call, once, where it is caught: gRPC statuses of the
 * Storage Write API and HTTP errors of the BigQuery API alike. Unavailable, deadline, aborted,
 * internal, quota and rate-limit errors are retried; invalid argument, permission denied, not
 * found and failed authentication are fatal, each with the fix. Rejected rows are fatal and
 * listed: a row error never passes silently.
 */
final class BigQueryErrors {
  private static final int MAX_LISTED_ROWS = 5;
  private static final String SCHEMA_NOT_YET_SEEN = "more fields than BigQuery schema";

  private final String projectId;
  private final String datasetId;

  BigQueryErrors(String projectId, String datasetId) {
    this.projectId = projectId;
    this.datasetId = datasetId;
  }

  /**
   * @param action what was being done, e.g. "appending rows to shop_orders", for the message
   */
  EtlException classify(Throwable failure, String action) {
    Throwable t = unwrap(failure);
    if (t instanceof EtlException etl) {
      return etl;
    }
    if (t instanceof Exceptions.AppendSerializtionError rows) {
      return rowsRejected(action, rows.getRowIndexToErrorMessage(), t);
    }
    if (t instanceof StatusRuntimeException grpc) {
      return byStatus(grpc.getStatus().getCode(), grpc.getStatus().getDescription(), action, t);
    }
    if (t instanceof ApiException api) {
      return byStatus(Status.Code.valueOf(api.getStatusCode().getCode().name()), api.getMessage(), action, t);
    }
    if (t instanceof BigQueryException http) {
      return byHttp(http, action);
    }
    if (t instanceof IOException) {
      return EtlException.retryable("destination_unreachable",
          "BigQuery could not be reached while " + action + " (" + t.getClass().getSimpleName() + ").",
          "check the network path to bigquery.googleapis.com and bigquerystorage.googleapis.com.", t);
    }
    return EtlException.retryable("destination_error",
        "BigQuery failed while " + action + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ").", "", t);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  EtlException rowsRejected(String action, Map<Integer, String> rowErrors, Throwable cause) {
    StringBuilder rows = new StringBuilder();
    int listed = 0;
    for (Map.Entry<Integer, String> e : new TreeMap<>(rowErrors).entrySet()) {
      if (listed++ == MAX_LISTED_ROWS) {
        rows.append("; and ").append(rowErrors.size() - MAX_LISTED_ROWS).append(" more");
        break;
      }
      rows.append(listed == 1 ? "" : "; ").append("row ").append(e.getKey()).append(": ").append(e.getValue());
    }
    return EtlException.fatal("destination_rows_rejected",
        "BigQuery rejected " + rowErrors.size() + " row(s) while " + action + " and wrote none of the request ("
            + rows + ").",
        "correct the values or the column types named above (see the README's BigQuery type mapping), then retry the"
            + " table.",
        cause);
  }

  private EtlException byStatus(Status.Code code, String description, String action, Throwable cause) {
    String what = "BigQuery answered " + code + " while " + action
        + (description == null || description.isBlank() ? "." : ": " + description + ".");
    if (code == Status.Code.INVALID_ARGUMENT && description != null && description.contains(SCHEMA_NOT_YET_SEEN)) {
      // BigQuery takes a while to show a column added by ALTER TABLE to the Storage Write API
      return EtlException.retryable("destination_schema_propagating", what,
          "nothing, if the table's columns were just changed: BigQuery needs a few minutes to show new columns to the"
              + " Storage Write API; if it lasts longer, the table was changed by hand: retry the table.",
          cause);
    }
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNKNOWN, CANCELLED ->
          EtlException.retryable("destination_unavailable", what, "", cause);
      case RESOURCE_EXHAUSTED -> EtlException.retryable("destination_quota", what,
          "if this persists, raise the Storage Write API quota of project " + projectId + " or lower the write rate.",
          cause);
      case PERMISSION_DENIED -> permissionDenied(what, cause);
      case UNAUTHENTICATED -> unauthenticated(what, cause);
      case NOT_FOUND -> notFound(what, cause);
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> invalid(what, cause);
      default -> EtlException.fatal("destination_rejected", what, "", cause);
    };
  }

  private EtlException byHttp(BigQueryException e, String action) {
    BigQueryError error = e.getError();
    String reason = error == null || error.getReason() == null ? "" : error.getReason();
    // The client reports errors that BigQuery put in a 200 response (a query whose job ran and
    // failed) with no HTTP status: their reason is all there is to go by.
    int code = e.getCode() == BaseServiceException.UNKNOWN_CODE ? REASON_STATUS.getOrDefault(reason, e.getCode()) : e.getCode();
    String what = "BigQuery answered " + (e.getCode() == BaseServiceException.UNKNOWN_CODE ? "" : "HTTP " + e.getCode() + " ")
        + (reason.isEmpty() ? "an error" : reason) + " while " + action + ": " + e.getMessage() + ".";
    if ("quotaExceeded".equals(reason) || "rateLimitExceeded".equals(reason)) {
      return EtlException.retryable("destination_quota", what,
          "if this persists, raise the BigQuery quotas of project " + projectId + ".", e);
    }
    if (e.isRetryable() || code == 429 || code >= 500 || code == BaseServiceException.UNKNOWN_CODE) {
      return EtlException.retryable("destination_unavailable", what, "", e);
    }
    return switch (code) {
      case 401 -> unauthenticated(what, e);
      case 403 -> permissionDenied(what, e);
      case 404 -> notFound(what, e);
      default -> invalid(what, e);
    };
  }

  /** The HTTP status BigQuery gives each error reason (cloud.google.com/bigquery/docs/error-messages). */
  private static final Map<String, Integer> REASON_STATUS = Map.ofEntries(
      Map.entry("invalid", 400), Map.entry("invalidQuery", 400), Map.entry("invalidUser", 400),
      Map.entry("resourcesExceeded", 400), Map.entry("responseTooLarge", 403), Map.entry("accessDenied", 403),
      Map.entry("billingNotEnabled", 403), Map.entry("blocked", 403), Map.entry("notFound", 404),
      Map.entry("duplicate", 409), Map.entry("resourceInUse", 400), Map.entry("notImplemented", 501),
      Map.entry("backendError", 500), Map.entry("internalError", 500), Map.entry("jobBackendError", 500),
      Map.entry("jobInternalError", 500), Map.entry("tableUnavailable", 503), Map.entry("timeout", 503),
      Map.entry("stopped", 503));

  private EtlException permissionDenied(String what, Throwable cause) {
    return EtlException.fatal("destination_permission_denied", what,
        "grant the replicator's service account roles/bigquery.dataEditor on dataset " + projectId + "." + datasetId
            + " and roles/bigquery.jobUser on project " + projectId
            + " (roles/bigquery.dataOwner or .admin as well to create the dataset).",
        cause);
  }

  private EtlException unauthenticated(String what, Throwable cause) {
    return EtlException.fatal("destination_auth_failed", what,
        "check destination.bigquery.credentials (a service-account key JSON) or, without it, the Application Default"
            + " Credentials of the replicator (GOOGLE_APPLICATION_CREDENTIALS or the workload identity).",
        cause);
  }

  private EtlException notFound(String what, Throwable cause) {
    return EtlException.fatal("destination_not_found", what,
        "check that project " + projectId + " and dataset " + datasetId + " exist (or set"
            + " destination.bigquery.createDataset: true); a table deleted in BigQuery is created again when the table"
            + " is retried.",
        cause);
  }

  private EtlException invalid(String what, Throwable cause) {
    return EtlException.fatal("destination_invalid_request", what,
        "the BigQuery table no longer matches what the pipeline writes (changed by hand?): retry the table to copy it"
            + " again into a recreated table.",
        cause);
  }
}
