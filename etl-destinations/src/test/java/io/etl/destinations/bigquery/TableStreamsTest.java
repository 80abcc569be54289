package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import io.etl.core.error.EtlException;
import io.etl.core.event.Row;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.types.ValueDecoder;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer against the BigQueryWrite service served in-process: real StreamWriter, real gRPC. */
class TableStreamsTest {
  private static final TableSchema NOTES = new TableSchema(16404, new TableId("public", "notes"), List.of(
      new ColumnSchema("id", 20, -1, "bigint", false, true),
      new ColumnSchema("body", 25, -1, "text", true, false)), 'd');
  private static final String DEFAULT_STREAM = "projects/my-project/datasets/shop/tables/public_notes/_default";

  private WriteApiServer server;
  private BigQueryWriteClient client;
  private final RowEncoder encoder = new RowEncoder(NOTES, true, new TypeMapping(), new ValueDecoder());

  @BeforeEach
  void start() throws Exception {
    server = new WriteApiServer();
    client = server.client();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private TableStreams streams(long maxRequestBytes) {
    return new TableStreams(client, "my-project", "shop", "US", maxRequestBytes, new BigQueryErrors("my-project", "shop"));
  }

  private List<DynamicMessage> rows(int from, int count, int bodyLength) {
    List<DynamicMessage> rows = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      rows.add(encoder.change(Row.of(Long.toString(i), "x".repeat(bodyLength)), ChangeType.UPSERT,
          ChangeSequence.COPY));
    }
    return rows;
  }

  private static List<Long> ids(List<WriteApiServer.Append> appends, RowEncoder encoder) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (WriteApiServer.Append append : appends) {
      for (ByteString row : append.rows()) {
        DynamicMessage m = DynamicMessage.parseFrom(encoder.descriptor(), row);
        ids.add((Long) m.getField(encoder.descriptor().findFieldByName("id")));
      }
    }
    return ids;
  }

  @Test
  void batchesOfATableShareOneConnectionToItsDefaultStream() throws Exception {
    try (TableStreams streams = streams(TableStreams.apiRequestLimit())) {
      streams.append("public_notes", encoder.protoSchema(), rows(0, 3, 10));
      streams.append("public_notes", encoder.protoSchema(), rows(3, 2, 10));
      streams.append("public_notes", encoder.protoSchema(), rows(5, 1, 10));
      assertEquals(1, streams.openWriters());
    }
    assertEquals(1, server.connections(), "one AppendRows connection for three batches");
    List<WriteApiServer.Append> appends = server.appends();
    assertEquals(3, appends.size());
    assertTrue(appends.stream().allMatch(a -> a.writeStream().equals(DEFAULT_STREAM)), appends.toString());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), ids(appends, encoder));
  }

  @Test
  void aBatchLargerThanTheRequestLimitGoesInSeveralRequestsInOrder() throws Exception {
    int rowBytes = encoder.change(Row.of("0", "x".repeat(1000)), ChangeType.UPSERT, ChangeSequence.COPY).getSerializedSize();
    long limit = 10L * (rowBytes + 3);
    try (TableStreams streams = streams(limit)) {
      streams.append("public_notes", encoder.protoSchema(), rows(0, 35, 1000));
    }
    List<WriteApiServer.Append> appends = server.appends();
    assertEquals(List.of(10, 10, 10, 5), appends.stream().map(a -> a.rows().size()).toList());
    for (WriteApiServer.Append append : appends) {
      long bytes = append.rows().stream().mapToLong(r -> r.size() + 3).sum();
      assertTrue(bytes <= limit, bytes + " > " + limit);
    }
    assertEquals(java.util.stream.LongStream.range(0, 35).boxed().toList(), ids(appends, encoder));
  }

  @Test
  void aRowLargerThanTheRequestLimitIsRefusedNamingTheTable() {
    try (TableStreams streams = streams(500)) {
      EtlException e = assertThrows(EtlException.class,
          () -> streams.append("public_notes", encoder.protoSchema(), rows(0, 1, 1000)));
      assertFalse(e.isRetryable());
      assertTrue(e.reason().startsWith("a row of shop.public_notes takes "), e.reason());
    }
    assertEquals(0, server.connections());
  }

  @Test
  void aConnectionDroppedAsUnavailableIsReopenedAndTheRowsResent() throws Exception {
    try (TableStreams streams = streams(TableStreams.apiRequestLimit())) {
      streams.append("public_notes", encoder.protoSchema(), rows(0, 1, 10));
      server.failNext(Status.UNAVAILABLE.withDescription("backend restarting"));
      streams.append("public_notes", encoder.protoSchema(), rows(1, 1, 10));
    }
    assertEquals(List.of(0L, 1L), ids(server.appends(), encoder));
    assertEquals(2, server.connections());
  }

  @Test
  void quotaExhaustionIsRetryableAndTheNextCallOpensAFreshConnection() throws Exception {
    try (TableStreams streams = streams(TableStreams.apiRequestLimit())) {
      streams.append("public_notes", encoder.protoSchema(), rows(0, 1, 10));
      server.failNext(Status.RESOURCE_EXHAUSTED.withDescription("Exceeds 'AppendRows throughput' quota"));
      EtlException e = assertThrows(EtlException.class,
          () -> streams.append("public_notes", encoder.protoSchema(), rows(1, 1, 10)));
      assertTrue(e.isRetryable(), e.getMessage());
      assertEquals("destination_quota", e.category());
      streams.append("public_notes", encoder.protoSchema(), rows(1, 1, 10));
    }
    assertEquals(List.of(0L, 1L), ids(server.appends(), encoder));
    assertEquals(2, server.connections());
  }

  @Test
  void permissionDeniedIsFatalWithTheGrantToMake() {
    try (TableStreams streams = streams(TableStreams.apiRequestLimit())) {
      server.failNext(Status.PERMISSION_DENIED.withDescription("Permission 'TABLES_UPDATE_DATA' denied"));
      EtlException e = assertThrows(EtlException.class,
          () -> streams.append("public_notes", encoder.protoSchema(), rows(0, 1, 10)));
      assertFalse(e.isRetryable());
      assertEquals("destination_permission_denied", e.category());
      assertTrue(e.reason().contains("Permission 'TABLES_UPDATE_DATA' denied"), e.reason());
    }
  }

  @Test
  void rowErrorsFailTheBatchAndNameTheRows() {
    try (TableStreams streams = streams(TableStreams.apiRequestLimit())) {
      server.rejectRowsNext(Map.of(1L, "Field body: invalid UTF-8"));
      EtlException e = assertThrows(EtlException.class,
          () -> streams.append("public_notes", encoder.protoSchema(), rows(0, 3, 10)));
      assertFalse(e.isRetryable());
      assertEquals("destination_rows_rejected", e.category());
      assertTrue(e.reason().contains("row 1: Field body: invalid UTF-8"), e.reason());
    }
  }
}
