package io.etl.bench;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the two embedded servers listen. The parent owns the servers; the child JVMs that run the
 * measured cases only know these ports, so the servers' memory is never counted as theirs.
 */
record Endpoints(int sourcePort, int destinationPort) {
  static final String DATABASE = "postgres";
  static final String USER = "postgres";
  static final String PASSWORD = PostgresServer.PASSWORD;
  /** The pipelines read the password from this (virtual) environment variable. */
  static final String PASSWORD_ENV = "BENCH_PASSWORD";
  static final Map<String, String> ENVIRONMENT = Map.of(PASSWORD_ENV, PASSWORD);

  static Endpoints of(PostgresServer source, PostgresServer destination) {
    return new Endpoints(source.port(), destination.port());
  }

  static Endpoints fromArgs(String sourcePort, String destinationPort) {
    return new Endpoints(Integer.parseInt(sourcePort), Integer.parseInt(destinationPort));
  }

  List<String> toArgs() {
    return List.of(String.valueOf(sourcePort), String.valueOf(destinationPort));
  }

  PostgresConnectionConfig source() {
    return config(sourcePort);
  }

  PostgresConnectionConfig destination() {
    return config(destinationPort);
  }

  Connection connectSource() throws SQLException {
    return DriverManager.getConnection(sourceJdbcUrl(), USER, PASSWORD);
  }

  Connection connectDestination() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(destinationPort), USER, PASSWORD);
  }

  String sourceJdbcUrl() {
    return jdbcUrl(sourcePort);
  }

  // both servers are the benchmark's own on localhost: nothing from a config goes into this URL
  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
  }

  private static PostgresConnectionConfig config(int port) {
    return new PostgresConnectionConfig("localhost", port, DATABASE, USER, new SecretRef(PASSWORD_ENV, null), "disable");
  }
}
