package io.etl.replicator;

import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.destinations.bigquery.BigQueryClients;
import io.etl.destinations.postgres.PostgresDestination;
import java.util.Map;

/** Builds the destination the config names; secrets are read here, from {@code env} or files. */
public final class DestinationFactory {
  private DestinationFactory() {}

  /**
   * @param config a validated destination block
   * @param pipelineId the pipeline writing there: the destination marks the tables it creates as its own
   * @throws io.etl.core.error.EtlException fatal, category {@code config_invalid}, when a secret cannot be read
   */
  public static Destination create(DestinationConfig config, String pipelineId, Map<String, String> env) {
    return switch (config.type()) {
      case "memory" -> new MemoryDestination();
      case "discard" -> new DiscardDestination();
      case "postgres" -> {
        PostgresConnectionConfig postgres = config.postgres();
        String password = postgres.password() == null ? null : postgres.password().resolve("destination.postgres.password", env);
        yield new PostgresDestination(postgres, password, pipelineId);
      }
      case "bigquery" -> {
        BigQueryConfig bigquery = config.bigquery();
        String key = bigquery.credentials() == null ? null : bigquery.credentials().resolve("destination.bigquery.credentials", env);
        yield BigQueryClients.destination(bigquery, key, pipelineId);
      }
      default -> throw new IllegalArgumentException("destination.type " + config.type() + " passed validation but has no factory");
    };
  }
}
