package io.etl.core.source;

import io.etl.core.error.EtlException;
import io.etl.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks on the source, run once on a normal connection before anything is created.
 * Each failed check is a fatal {@link EtlException} whose reason names what is wrong and whose fix
 * is the statement or setting that repairs it.
 */
public final class SourcePreflight {
  public static final int MIN_SERVER_VERSION_NUM = 140000;

  private static final Logger log = LoggerFactory.getLogger(SourcePreflight.class);

  private static final String ROLE =
      "SELECT quote_ident(r.rolname), r.rolreplication, r.rolsuper,"
          // Amazon RDS / Aurora grant replication through membership in rds_replication.
          + " EXISTS (SELECT 1 FROM pg_catalog.pg_roles g WHERE g.rolname = 'rds_replication'"
          + "   AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))"
          + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user";

  private static final String PUBLICATION =
      "SELECT p.pubinsert AND p.pubupdate AND p.pubdelete, p.pubtruncate,"
          + " (SELECT count(*) FROM pg_catalog.pg_publication_tables pt WHERE pt.pubname = p.pubname),"
          // listed as a partitioned table only when published through its root
          + " (SELECT string_agg(quote_ident(pt.schemaname) || '.' || quote_ident(pt.tablename), ', '"
          + "    ORDER BY pt.schemaname, pt.tablename)"
          + "  FROM pg_catalog.pg_publication_tables pt"
          + "  JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname"
          + "  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
          + "  WHERE pt.pubname = p.pubname AND c.relkind = 'p')"
          + " FROM pg_catalog.pg_publication p WHERE p.pubname = ?";

  private static final String FILTERED_TABLES =
      "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY n.nspname, c.relname)"
          + " FROM pg_catalog.pg_publication_rel pr"
          + " JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid"
          + " JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE p.pubname = ? AND (pr.prattrs IS NOT NULL OR pr.prqual IS NOT NULL)";

  private static final String SLOTS =
      "SELECT current_setting('max_replication_slots')::int,"
          + " (SELECT count(*) FROM pg_catalog.pg_replication_slots),"
          + " EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?),"
          + " current_setting('max_wal_senders')::int";

  private final SourceCatalog catalog = new SourceCatalog();

  /**
   * Checks, in this order: server version, {@code wal_level}, the role's right to replicate, the
   * publication, and room for the apply slot.
   */
  public void check(Connection connection, String publication, String applySlotName) {
    try {
      checkVersion(connection);
      checkWalLevel(connection);
      checkRole(connection);
      checkPublication(connection, publication).forEach(log::warn);
      checkSlots(connection, applySlotName);
    } catch (SQLException e) {
      throw PostgresErrors.forConnection(PostgresConnector.SIDE, connection).classify(e);
    }
  }

  /** See {@link SourceCatalog#publishedTables}. */
  public List<PublishedTable> publishedTables(Connection connection, String publication) {
    return catalog.publishedTables(connection, publication);
  }

  /** See {@link SourceCatalog#readTableSchema}. */
  public TableSchema readTableSchema(Connection connection, int oid) {
    return catalog.readTableSchema(connection, oid);
  }

  private static void checkVersion(Connection c) throws SQLException {
    int versionNum = Integer.parseInt(setting(c, "server_version_num"));
    requireSupportedVersion(versionNum, setting(c, "server_version"));
  }

  static void requireSupportedVersion(int versionNum, String version) {
    if (versionNum < MIN_SERVER_VERSION_NUM) {
      throw EtlException.fatal(
          "source_version_unsupported",
          "The source PostgreSQL server runs version " + version + ", but the replicator needs PostgreSQL 14 or newer.",
          "Upgrade the source server to PostgreSQL 14 or newer (pg_upgrade, or your provider's major-version upgrade).",
          null);
    }
  }

  private static void checkWalLevel(Connection c) throws SQLException {
    String walLevel = setting(c, "wal_level");
    if (!"logical".equals(walLevel)) {
      throw EtlException.fatal(
          "source_wal_level",
          "The source server has wal_level = " + walLevel + ", but logical replication needs wal_level = logical.",
          "Run ALTER SYSTEM SET wal_level = logical; on the source and restart the server"
              + " (on managed services set the provider's parameter, e.g. rds.logical_replication = 1).",
          null);
    }
  }

  private static void checkRole(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ROLE);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      String role = rs.getString(1);
      boolean canReplicate = rs.getBoolean(2) || rs.getBoolean(3) || rs.getBoolean(4);
      if (!canReplicate) {
        throw EtlException.fatal(
            "source_role_cannot_replicate",
            "The source role " + role + " has neither the REPLICATION attribute nor superuser, so it cannot"
                + " create replication slots or stream changes.",
            "Run ALTER ROLE " + role + " WITH REPLICATION; on the source as a superuser"
                + " (on Amazon RDS: GRANT rds_replication TO " + role + ";).",
            null);
      }
    }
  }

  /**
   * Fails when the publication is missing; returns what it leaves out that the user should know
   * (each with the fix), for {@link #check} to log.
   */
  static List<String> checkPublication(Connection c, String publication) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(PUBLICATION)) {
      s.setString(1, publication);
      try (ResultSet rs = s.executeQuery()) {
        String quoted = quoteIdent(c, publication);
        if (!rs.next()) {
          throw EtlException.fatal(
              "source_publication_missing",
              "Publication " + quoted + " does not exist in source database " + quoteIdent(c, c.getCatalog()) + ".",
              "Create it with CREATE PUBLICATION " + quoted + " FOR TABLE <tables to replicate>; or set"
                  + " pipeline.publication to an existing publication.",
              null);
        }
        refuseFilteredTables(c, publication, quoted);
        List<String> warnings = new ArrayList<>();
        if (!rs.getBoolean(1)) {
          warnings.add("Publication " + quoted + " does not publish all of insert, update and delete; the destination"
              + " will miss the changes it leaves out.");
        }
        if (!rs.getBoolean(2)) {
          warnings.add("Publication " + quoted + " does not publish TRUNCATE, so a truncated source table keeps its"
              + " rows in the destination. Fix: ALTER PUBLICATION " + quoted
              + " SET (publish = 'insert, update, delete, truncate');");
        }
        if (rs.getLong(3) == 0) {
          warnings.add("Publication " + quoted + " publishes no tables yet; nothing is replicated until tables are added.");
        }
        String viaRoot = rs.getString(4);
        if (viaRoot != null) {
          warnings.add("Publication " + quoted + " publishes partitioned tables through their root"
              + " (publish_via_partition_root = true): " + viaRoot + ". PostgreSQL then does not replicate a TRUNCATE"
              + " of a single partition, nor the rows that ATTACH PARTITION or DETACH PARTITION add or remove."
              + " Fix: truncate the partitioned table itself or DELETE from the partition; after attaching or"
              + " detaching a partition, copy the table again.");
        }
        return warnings;
      }
    }
  }

  /**
   * PostgreSQL 15+ publications can carry a column list or a row filter per table. The stream then
   * sends only those columns and rows, while the copy takes the whole table: the destination would
   * silently hold columns and rows that are never updated or deleted.
   */
  private static void refuseFilteredTables(Connection c, String publication, String quoted) throws SQLException {
    if (Integer.parseInt(setting(c, "server_version_num")) < 150000) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(FILTERED_TABLES)) {
      s.setString(1, publication);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        String tables = rs.getString(1);
        if (tables != null) {
          throw EtlException.fatal(
              "source_publication_filtered",
              "Publication " + quoted + " publishes a column list or a row filter (WHERE) for " + tables
                  + "; the replicator copies whole tables, so the destination would keep columns and rows the"
                  + " stream never updates.",
              "Publish those tables without a column list and WHERE clause (ALTER PUBLICATION " + quoted
                  + " SET TABLE …), or use a publication of its own for the pipeline.",
              null);
        }
      }
    }
  }

  private static void checkSlots(Connection c, String applySlotName) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SLOTS)) {
      s.setString(1, applySlotName);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        int max = rs.getInt(1);
        long used = rs.getLong(2);
        boolean applySlotExists = rs.getBoolean(3);
        int maxWalSenders = rs.getInt(4);
        long free = max - used;
        if (!applySlotExists && free <= 0) {
          throw EtlException.fatal(
              "source_replication_slots_exhausted",
              "The source server has no free replication slot for apply slot " + applySlotName + " ("
                  + used + " of max_replication_slots = " + max + " in use).",
              "Raise max_replication_slots on the source (ALTER SYSTEM SET max_replication_slots = " + (max + 4)
                  + "; then restart) or drop unused slots with pg_drop_replication_slot().",
              null);
        }
        if (maxWalSenders == 0) {
          throw EtlException.fatal(
              "source_wal_senders_disabled",
              "The source server has max_wal_senders = 0, so it accepts no replication connections.",
              "Run ALTER SYSTEM SET max_wal_senders = 10; on the source and restart the server.",
              null);
        }
        long freeAfterApply = applySlotExists ? free : free - 1;
        if (freeAfterApply < 1) {
          log.warn("The source server has no replication slot left after the apply slot (max_replication_slots = {});"
              + " copying tables needs one temporary slot per table being copied and will wait for one."
              + " Raise max_replication_slots.", max);
        }
      }
    }
  }

  private static String setting(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT current_setting(?)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static String quoteIdent(Connection c, String identifier) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT quote_ident(?)")) {
      s.setString(1, identifier);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
