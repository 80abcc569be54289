package io.etl.bench;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.replication.PGReplicationStream;

/**
 * The yardsticks: how fast the same data can be read, or moved, by doing nothing with it. They
 * run in the parent JVM; what they measure is the servers, not a replicator.
 */
final class ReadLimits {
  private final Endpoints endpoints;

  ReadLimits(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** {@code COPY table TO STDOUT} into a sink that discards every byte. */
  void copyToDiscard(String table) throws Exception {
    try (Connection c = endpoints.connectSource()) {
      c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT", OutputStream.nullOutputStream());
    }
  }

  /** {@code COPY TO STDOUT} from the source piped as is into {@code COPY FROM STDIN} on the destination. */
  void copyPipe(String table) throws Exception {
    try (Connection from = endpoints.connectSource(); Connection to = endpoints.connectDestination()) {
      CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT");
      CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
      byte[] line;
      while ((line = out.readFromCopy()) != null) {
        in.writeToCopy(line, 0, line.length);
      }
      in.endCopy();
    }
  }

  /**
   * Reads {@code slot}'s pgoutput stream until the {@code commits}-th commit message, looking at
   * nothing but each message's first byte.
   */
  void readSlotWithoutDecoding(String slot, String publication, long commits) throws Exception {
    Properties props = new Properties();
    PGProperty.USER.set(props, Endpoints.USER);
    PGProperty.PASSWORD.set(props, Endpoints.PASSWORD);
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    try (Connection c = DriverManager.getConnection(endpoints.sourceJdbcUrl(), props)) {
      PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot).withSlotOption("proto_version", "1").withSlotOption("publication_names", publication)
          .start();
      long seen = 0;
      while (seen < commits) {
        // blocking, not spinning on readPending(): a spinning reader would take a core from the
        // walsender on a two-core machine
        ByteBuffer message = stream.read();
        if (message.get(message.position()) == 'C') {
          seen++;
        }
      }
      stream.close();
    }
  }
}
