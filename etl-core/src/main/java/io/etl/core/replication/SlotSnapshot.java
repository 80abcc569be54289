package io.etl.core.replication;

/**
 * A logical slot just created with an exported snapshot. The snapshot stays importable (by
 * {@code SET TRANSACTION SNAPSHOT}) only while the replication connection that created it stays
 * open and idle.
 *
 * @param consistentPoint the slot streams every transaction that commits from here on; every
 *     transaction committed before it is visible in the snapshot
 */
public record SlotSnapshot(String slotName, Lsn consistentPoint, String snapshotName) {}
