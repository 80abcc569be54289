package io.etl.destinations.bigquery;

import com.google.api.core.ApiFuture;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.cloud.bigquery.storage.v1.StreamWriter;
import com.google.cloud.bigquery.storage.v1.TableName;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.etl.core.error.EtlException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Appends rows through the Storage Write API: one {@link StreamWriter} on each table's default
 * stream, opened on first use and kept open for every later batch (a connection per table, not
 * per batch). Rows go in requests kept under the API's request size limit; a call returns once
 * BigQuery acknowledged every request, which on the default stream means the rows are committed.
 * A writer whose append failed is closed and opened anew on the next call.
 */
final class TableStreams implements AutoCloseable {
  /** Headroom under the API's request limit for the request's own fields (stream name, schema). */
  private static final long REQUEST_OVERHEAD_BYTES = 512 * 1024;

  private record OpenWriter(ProtoSchema schema, StreamWriter writer) {}

  private final BigQueryWriteClient client;
  private final String projectId;
  private final String datasetId;
  private final String location;
  private final long maxRequestBytes;
  private final BigQueryErrors errors;
  private final Map<String, OpenWriter> writers = new ConcurrentHashMap<>();

  /**
   * @param maxRequestBytes the most row bytes one AppendRows request carries
   */
  TableStreams(BigQueryWriteClient client, String projectId, String datasetId, String location, long maxRequestBytes,
      BigQueryErrors errors) {
    this.client = client;
    this.projectId = projectId;
    this.datasetId = datasetId;
    this.location = location;
    this.maxRequestBytes = maxRequestBytes;
    this.errors = errors;
  }

  /** BigQuery's documented AppendRows request quota; the client library itself lets 20 MiB through. */
  private static final long DOCUMENTED_REQUEST_LIMIT = 10_000_000L;

  static long apiRequestLimit() {
    return Math.min(DOCUMENTED_REQUEST_LIMIT, StreamWriter.getApiMaxRequestBytes()) - REQUEST_OVERHEAD_BYTES;
  }

  /** Writes {@code rows} (all in {@code schema}) to {@code table} and waits until BigQuery holds them. */
  void append(String table, ProtoSchema schema, List<DynamicMessage> rows) {
    if (rows.isEmpty()) {
      return;
    }
    String action = "appending " + rows.size() + " row(s) to " + datasetId + "." + table;
    List<ProtoRows> requests = split(table, rows);
    StreamWriter writer = writer(table, schema, action);
    List<ApiFuture<AppendRowsResponse>> pending = new ArrayList<>(requests.size());
    try {
      for (ProtoRows request : requests) {
        pending.add(writer.append(request));
      }
      for (int i = 0; i < pending.size(); i++) {
        AppendRowsResponse response = pending.get(i).get();
        if (response.getRowErrorsCount() > 0) {
          Map<Integer, String> rowErrors = new HashMap<>();
          response.getRowErrorsList().forEach(e -> rowErrors.put((int) e.getIndex(), e.getMessage()));
          throw errors.rowsRejected(action + " (request " + (i + 1) + " of " + pending.size() + ")", rowErrors, null);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop(table, writer);
      throw EtlException.retryable("interrupted", "interrupted while " + action + ".", "", e);
    } catch (ExecutionException | RuntimeException e) {
      drop(table, writer);
      throw errors.classify(e, action);
    }
  }

  /** Rows in requests of at most {@code maxRequestBytes} each, in order. */
  List<ProtoRows> split(String table, List<? extends Message> rows) {
    List<ProtoRows> requests = new ArrayList<>();
    ProtoRows.Builder request = ProtoRows.newBuilder();
    long bytes = 0;
    for (Message row : rows) {
      int size = row.getSerializedSize();
      // a repeated bytes field costs a tag and a length prefix besides the row itself
      long cost = size + 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(size);
      if (cost > maxRequestBytes) {
        throw EtlException.fatal("destination_row_too_large",
            "a row of " + datasetId + "." + table + " takes " + size + " bytes, more than the " + maxRequestBytes
                + " bytes one Storage Write API request may carry.",
            "make the row smaller on the source (large values in a separate table), or leave the table out of the"
                + " publication.",
            null);
      }
      if (bytes + cost > maxRequestBytes) {
        requests.add(request.build());
        request = ProtoRows.newBuilder();
        bytes = 0;
      }
      request.addSerializedRows(row.toByteString());
      bytes += cost;
    }
    if (request.getSerializedRowsCount() > 0) {
      requests.add(request.build());
    }
    return requests;
  }

  private StreamWriter writer(String table, ProtoSchema schema, String action) {
    OpenWriter open = writers.compute(table, (name, current) -> {
      if (current != null && current.schema().equals(schema) && !current.writer().isClosed()) {
        return current;
      }
      if (current != null) {
        current.writer().close();
      }
      return new OpenWriter(schema, open(name, schema, action));
    });
    return open.writer();
  }

  private StreamWriter open(String table, ProtoSchema schema, String action) {
    try {
      StreamWriter.Builder builder = StreamWriter
          .newBuilder(StreamWriter.getDefaultStreamName(TableName.of(projectId, datasetId, table)), client)
          .setWriterSchema(schema);
      if (location != null) {
        builder.setLocation(location);
      }
      return builder.build();
    } catch (IOException | RuntimeException e) {
      throw errors.classify(e, action);
    }
  }

  private void drop(String table, StreamWriter writer) {
    writers.computeIfPresent(table, (name, current) -> {
      if (current.writer() == writer) {
        writer.close();
        return null;
      }
      return current;
    });
  }

  /** Closes the writer of {@code table}, e.g. before its schema changes. */
  void forget(String table) {
    OpenWriter open = writers.remove(table);
    if (open != null) {
      open.writer().close();
    }
  }

  /** How many tables have a writer open, for tests that prove writers are reused. */
  int openWriters() {
    return writers.size();
  }

  @Override
  public void close() {
    writers.values().forEach(w -> w.writer().close());
    writers.clear();
  }
}
