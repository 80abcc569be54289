package io.etl.core.source;

import io.etl.core.schema.TableId;

/**
 * A table the pipeline's publication publishes.
 *
 * @param oid the table's OID on the source
 * @param id its schema-qualified name
 */
public record PublishedTable(int oid, TableId id) {}
