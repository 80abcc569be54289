package io.etl.destinations.bigquery;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generated BigQueryWrite gRPC service, served in-process, so the client library's real
 * StreamWriter talks real gRPC to it. It records every AppendRows request and answers each with
 * success, unless told to fail the next one with a status or with row errors.
 */
final class WriteApiServer implements AutoCloseable {
  /** What one AppendRows request carried. */
  record Append(String writeStream, boolean hasSchema, List<ByteString> rows) {}

  private final List<Append> appends = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentLinkedQueue<Object> failures = new ConcurrentLinkedQueue<>();
  private final Server server;
  private final ManagedChannel channel;

  WriteApiServer() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new Service()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  BigQueryWriteClient client() throws IOException {
    return BigQueryWriteClient.create(BigQueryWriteSettings.newBuilder()
        .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create())
        .build());
  }

  /** The next AppendRows request fails with {@code status}. */
  void failNext(Status status) {
    failures.add(status);
  }

  /** The next AppendRows request is refused with these row errors (index → message). */
  void rejectRowsNext(Map<Long, String> rowErrors) {
    failures.add(rowErrors);
  }

  List<Append> appends() {
    synchronized (appends) {
      return List.copyOf(appends);
    }
  }

  /** How many AppendRows connections (bidirectional streams) clients opened. */
  int connections() {
    return connections.get();
  }

  private final class Service extends BigQueryWriteGrpc.BigQueryWriteImplBase {
    @Override
    public void getWriteStream(GetWriteStreamRequest request, StreamObserver<WriteStream> response) {
      response.onNext(WriteStream.newBuilder().setName(request.getName()).setLocation("US").build());
      response.onCompleted();
    }

    @Override
    public StreamObserver<AppendRowsRequest> appendRows(StreamObserver<AppendRowsResponse> response) {
      connections.incrementAndGet();
      return new StreamObserver<>() {
        private String stream = "";

        @Override
        public synchronized void onNext(AppendRowsRequest request) {
          if (!request.getWriteStream().isEmpty()) {
            stream = request.getWriteStream();
          }
          Object failure = failures.poll();
          if (failure instanceof Status status) {
            response.onError(status.asRuntimeException());
            return;
          }
          appends.add(new Append(stream, request.getProtoRows().hasWriterSchema(),
              request.getProtoRows().getRows().getSerializedRowsList()));
          AppendRowsResponse.Builder answer = AppendRowsResponse.newBuilder().setWriteStream(stream);
          if (failure instanceof Map<?, ?> rowErrors) {
            rowErrors.forEach((index, message) -> answer.addRowErrors(RowError.newBuilder()
                .setIndex((Long) index).setCode(RowError.RowErrorCode.FIELDS_ERROR).setMessage((String) message)));
            answer.setError(com.google.rpc.Status.newBuilder().setCode(Status.Code.INVALID_ARGUMENT.value())
                .setMessage("rows are invalid"));
          } else {
            answer.setAppendResult(AppendRowsResponse.AppendResult.newBuilder().setOffset(Int64Value.of(0)));
          }
          response.onNext(answer.build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          response.onCompleted();
        }
      };
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
