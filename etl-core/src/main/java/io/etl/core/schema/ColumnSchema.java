package io.etl.core.schema;

/**
 * One column of a replicated table.
 *
 * @param name column name as PostgreSQL spells it
 * @param typeOid the column's type OID on the source
 * @param typeModifier atttypmod (-1 when none)
 * @param typeName the column's type as {@code format_type(oid, typmod)} prints it on the source
 * @param nullable false when the column is NOT NULL
 * @param primaryKey true when the column belongs to the primary key (or, in a relation
 *     message, to the replica identity)
 */
public record ColumnSchema(
    String name, int typeOid, int typeModifier, String typeName, boolean nullable, boolean primaryKey) {}
