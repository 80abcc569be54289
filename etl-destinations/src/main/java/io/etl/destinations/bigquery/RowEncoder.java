package io.etl.destinations.bigquery;

import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import io.etl.core.error.EtlException;
import io.etl.core.event.Row;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableSchema;
import io.etl.core.types.ValueDecoder;
import java.util.List;

/**
 * Encodes the rows of one table (in one shape of its columns) as protocol buffer messages for the
 * Storage Write API. Rows of a BigQuery table with a primary key also carry BigQuery's CDC
 * pseudo-columns {@code _CHANGE_TYPE} and {@code _CHANGE_SEQUENCE_NUMBER}. Whether the table has
 * one is the destination table's fact, not the relation's: pgoutput marks every column as key
 * under REPLICA IDENTITY FULL. A NULL is an unset field.
 */
final class RowEncoder {
  static final String CHANGE_TYPE = "_CHANGE_TYPE";
  static final String CHANGE_SEQUENCE_NUMBER = "_CHANGE_SEQUENCE_NUMBER";

  private final TableSchema table;
  private final List<ColumnType> types;
  private final Descriptor descriptor;
  private final ProtoSchema protoSchema;
  private final ValueDecoder decoder;
  private final boolean changeColumns;

  RowEncoder(TableSchema table, boolean keyed, TypeMapping mapping, ValueDecoder decoder) {
    this.table = table;
    this.decoder = decoder;
    this.types = table.columns().stream().map(mapping::map).toList();
    this.changeColumns = keyed;
    DescriptorProto proto = descriptorProto();
    this.protoSchema = ProtoSchema.newBuilder().setProtoDescriptor(proto).build();
    try {
      this.descriptor = Descriptors.FileDescriptor.buildFrom(
          FileDescriptorProto.newBuilder().setName("etl_row.proto").addMessageType(proto).build(),
          new Descriptors.FileDescriptor[0]).findMessageTypeByName(proto.getName());
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("row descriptor of " + table.id() + " is invalid", e);
    }
  }

  private DescriptorProto descriptorProto() {
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName("EtlRow");
    int number = 1;
    for (int i = 0; i < types.size(); i++) {
      ColumnType type = types.get(i);
      String name = BigQueryNames.column(table, table.columns().get(i));
      message.addField(FieldDescriptorProto.newBuilder().setName(name).setNumber(number++)
          .setType(type.type().protoType())
          .setLabel(type.repeated() ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL));
    }
    if (changeColumns) {
      for (String pseudo : List.of(CHANGE_TYPE, CHANGE_SEQUENCE_NUMBER)) {
        message.addField(FieldDescriptorProto.newBuilder().setName(pseudo).setNumber(number++)
            .setType(FieldDescriptorProto.Type.TYPE_STRING).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
      }
    }
    return message.build();
  }

  TableSchema table() {
    return table;
  }

  List<ColumnType> types() {
    return types;
  }

  ProtoSchema protoSchema() {
    return protoSchema;
  }

  Descriptor descriptor() {
    return descriptor;
  }

  /** A row of a table without a primary key: appended as it is. */
  DynamicMessage append(Row row) {
    if (changeColumns) {
      throw new IllegalStateException(table.id() + " has a primary key: its rows are changes");
    }
    return values(row).build();
  }

  /** A change record of a table with a primary key. */
  DynamicMessage change(Row row, ChangeType type, String sequenceNumber) {
    if (!changeColumns) {
      throw new IllegalStateException(table.id() + " has no primary key: BigQuery applies no changes to it");
    }
    return values(row)
        .setField(descriptor.findFieldByName(CHANGE_TYPE), type.name())
        .setField(descriptor.findFieldByName(CHANGE_SEQUENCE_NUMBER), sequenceNumber)
        .build();
  }

  private DynamicMessage.Builder values(Row row) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(descriptor);
    for (int i = 0; i < types.size(); i++) {
      String text = row.get(i);
      if (text == null) {
        continue;
      }
      if (text == Row.UNCHANGED_TOAST) {
        throw new IllegalStateException("unchanged TOAST values are resolved before encoding");
      }
      ColumnSchema column = table.columns().get(i);
      ColumnType type = types.get(i);
      FieldDescriptor field = descriptor.getFields().get(i);
      try {
        if (type.repeated()) {
          for (Object element : ValueEncoder.encodeArray(type.type(), decoder.decode(column.typeOid(), text))) {
            message.addRepeatedField(field, element);
          }
        } else if (type.type() == BigQueryType.STRING) {
          // text-typed and fallback columns keep PostgreSQL's own text form exactly
          message.setField(field, text);
        } else {
          message.setField(field, ValueEncoder.encode(type.type(), decoder.decode(column.typeOid(), text)));
        }
      } catch (ValueEncoder.UnwritableValue e) {
        throw EtlException.fatal("destination_unsupported_value",
            "column " + column.name() + " (" + TypeMapping.sourceTypeName(column) + ") of " + table.id()
                + " holds a value BigQuery " + type.ddl() + " cannot store: " + e.getMessage() + ".",
            "change the value or the column's type on the source (see the README's BigQuery type mapping), then"
                + " retry the table.",
            null).forTable(table.oid());
      }
    }
    return message;
  }
}
