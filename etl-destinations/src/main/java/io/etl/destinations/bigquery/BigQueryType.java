package io.etl.destinations.bigquery;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;

/**
 * The BigQuery column types this destination creates, each with the protocol buffer field type
 * its values travel as through the Storage Write API (see "Supported protocol buffer data types"
 * in the BigQuery documentation).
 */
enum BigQueryType {
  BOOL(FieldDescriptorProto.Type.TYPE_BOOL),
  INT64(FieldDescriptorProto.Type.TYPE_INT64),
  FLOAT64(FieldDescriptorProto.Type.TYPE_DOUBLE),
  /** Encoded with the client library's BigDecimalByteStringEncoder. */
  NUMERIC(FieldDescriptorProto.Type.TYPE_BYTES),
  BIGNUMERIC(FieldDescriptorProto.Type.TYPE_BYTES),
  STRING(FieldDescriptorProto.Type.TYPE_STRING),
  BYTES(FieldDescriptorProto.Type.TYPE_BYTES),
  /** Days since 1970-01-01. */
  DATE(FieldDescriptorProto.Type.TYPE_INT32),
  /** CivilTimeEncoder's packed 64-bit form. */
  TIME(FieldDescriptorProto.Type.TYPE_INT64),
  DATETIME(FieldDescriptorProto.Type.TYPE_INT64),
  /** Microseconds since 1970-01-01T00:00Z. */
  TIMESTAMP(FieldDescriptorProto.Type.TYPE_INT64),
  /** An INTERVAL literal, {@code Y-M D H:M:S.F}. */
  INTERVAL(FieldDescriptorProto.Type.TYPE_STRING),
  JSON(FieldDescriptorProto.Type.TYPE_STRING);

  private final FieldDescriptorProto.Type protoType;

  BigQueryType(FieldDescriptorProto.Type protoType) {
    this.protoType = protoType;
  }

  FieldDescriptorProto.Type protoType() {
    return protoType;
  }
}
