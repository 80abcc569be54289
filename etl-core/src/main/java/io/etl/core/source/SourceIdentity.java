package io.etl.core.source;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.jdbc.PgConnection;

/**
 * Which source a pipeline reads: the server's system identifier (set by initdb, kept by its
 * physical replicas, new for a server rebuilt from a dump) and the database. Destinations key
 * their positions by it, so two sources writing into one destination, or a rebuilt source whose
 * positions start lower again, never take each other's positions.
 */
public record SourceIdentity(String systemId, String database) {

  /** Asks the server with {@code IDENTIFY_SYSTEM} on a replication connection (needs only REPLICATION). */
  public static SourceIdentity identify(PgConnection replication) throws SQLException {
    try (Statement s = replication.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      rs.next();
      return new SourceIdentity(rs.getString("systemid"), rs.getString("dbname"));
    }
  }
}
