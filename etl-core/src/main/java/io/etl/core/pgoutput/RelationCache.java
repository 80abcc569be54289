package io.etl.core.pgoutput;

import io.etl.core.schema.TableSchema;

/**
 * Relation OID → schema, open addressing over primitive keys so that looking up the relation of
 * every change message does not box an Integer. OID 0 is never a relation and marks a free slot.
 */
final class RelationCache {
  private int[] keys = new int[64];
  private TableSchema[] values = new TableSchema[64];
  private int size;

  TableSchema get(int oid) {
    int mask = keys.length - 1;
    for (int i = mix(oid) & mask; ; i = (i + 1) & mask) {
      int key = keys[i];
      if (key == oid) {
        return values[i];
      }
      if (key == 0) {
        return null;
      }
    }
  }

  void put(int oid, TableSchema schema) {
    if (oid == 0) {
      throw new IllegalArgumentException("relation OID 0 is invalid");
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    for (int i = mix(oid) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == oid) {
        values[i] = schema;
        return;
      }
      if (keys[i] == 0) {
        keys[i] = oid;
        values[i] = schema;
        size++;
        return;
      }
    }
  }

  int size() {
    return size;
  }

  private void grow() {
    int[] oldKeys = keys;
    TableSchema[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new TableSchema[oldKeys.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int mix(int oid) {
    int h = oid * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
