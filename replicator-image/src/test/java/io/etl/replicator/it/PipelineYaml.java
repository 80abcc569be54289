package io.etl.replicator.it;

import io.etl.core.testing.PostgresServer;
import java.util.Map;

/** Pipeline YAML for a replicator child process from one test server to another. */
final class PipelineYaml {
  static final Map<String, String> PASSWORDS =
      Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD, "DESTINATION_PASSWORD", PostgresServer.PASSWORD);

  private PipelineYaml() {}

  /** Source and destination blocks, quick retries, a free HTTP port, then {@code extraBlocks}. */
  static String postgresToPostgres(String pipelineId, String publication, PostgresServer source,
      PostgresServer destination, String extraBlocks) {
    return postgresToPostgres(pipelineId, publication, source, destination, "postgres", extraBlocks);
  }

  /** As above, into {@code destinationDatabase} of the destination server. */
  static String postgresToPostgres(String pipelineId, String publication, PostgresServer source,
      PostgresServer destination, String destinationDatabase, String extraBlocks) {
    return """
        pipeline:
          id: %s
          publication: %s
        source:
          host: localhost
          port: %d
          database: postgres
          user: postgres
          password: {env: SOURCE_PASSWORD}
          sslMode: disable
        destination:
          type: postgres
          postgres:
            host: localhost
            port: %d
            database: %s
            user: postgres
            password: {env: DESTINATION_PASSWORD}
            sslMode: disable
        retry:
          initialBackoffMs: 100
          maxBackoffMs: 1000
        http:
          port: 0
          admin:
            port: 0
        """.formatted(pipelineId, publication, source.port(), destination.port(), destinationDatabase)
        + extraBlocks;
  }
}
