package io.etl.operator.support;

import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.source.PostgresConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;

/**
 * Opens a short-lived connection to a PostgreSQL endpoint of a resource, through etl-core's
 * connector so connection failures are classified and worded exactly as the replicator words
 * them.
 */
public final class PostgresAccess implements AutoCloseable {
  private final Connection connection;
  private final Path caFile;

  private PostgresAccess(Connection connection, Path caFile) {
    this.connection = connection;
    this.caFile = caFile;
  }

  /**
   * @param side "source" or "destination", used in messages
   * @throws io.etl.core.error.EtlException classified: auth_failed, database_missing, unreachable, tls_failed, ...
   */
  public static PostgresAccess open(String side, PostgresEndpoint endpoint, String password, String caPem) {
    Path ca = caPem == null ? null : writeCa(caPem);
    PostgresConnectionConfig config = EndpointConfig.of(endpoint, null, ca == null ? null : ca.toString());
    try {
      return new PostgresAccess(new PostgresConnector(side, config, password, "etl-operator").open(), ca);
    } catch (RuntimeException e) {
      delete(ca);
      throw e;
    }
  }

  public Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      // closing a connection we only read through; nothing to recover
    }
    delete(caFile);
  }

  private static Path writeCa(String pem) {
    try {
      Path file = Files.createTempFile("etl-ca-", ".crt",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, pem, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA certificate to a temporary file", e);
    }
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temp file holds a public certificate only
      }
    }
  }
}
