package io.etl.replicator;

import io.etl.core.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A pipeline YAML from one test server's database {@code postgres} to another's, publication {@code pub}. */
final class LocalPipelineConfig {
  static final String PASSWORD_ENV = "ETL_TEST_PASSWORD";
  static final Map<String, String> ENV = Map.of(PASSWORD_ENV, PostgresServer.PASSWORD);

  private LocalPipelineConfig() {}

  /** Writes {@code <dir>/<id>.yaml}: both connections, free public and admin ports on 127.0.0.1, then {@code extraBlocks}. */
  static Path write(Path dir, String id, PostgresServer source, PostgresServer destination, String extraBlocks)
      throws IOException {
    return Files.writeString(dir.resolve(id + ".yaml"), """
        pipeline:
          id: %s
          publication: pub
        source:
          host: localhost
          port: %d
          database: postgres
          user: postgres
          password: {env: %s}
          sslMode: disable
        destination:
          type: postgres
          postgres:
            host: localhost
            port: %d
            database: postgres
            user: postgres
            password: {env: %s}
            sslMode: disable
        http:
          port: 0
          bindAddress: 127.0.0.1
          admin:
            port: 0
        """.formatted(id, source.port(), PASSWORD_ENV, destination.port(), PASSWORD_ENV) + extraBlocks);
  }
}
