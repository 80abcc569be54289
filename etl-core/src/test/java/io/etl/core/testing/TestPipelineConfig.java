package io.etl.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.etl.core.config.AdminHttpConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.HttpConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineConfigYaml;
import io.etl.core.config.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one builder of pipeline configs for tests: PostgreSQL to PostgreSQL between two test
 * servers, passwords in {@link #PASSWORDS}' variables, quick retries, free public and admin ports
 * on 127.0.0.1. Change it with {@link #with} (the records' builder) or {@link #overrides} (YAML
 * blocks, key by key over the built config, for a test that reads best as the YAML a user
 * writes); {@link #yaml} writes it with the mapping the replicator reads, so a test's YAML can
 * only hold keys the records have.
 */
public final class TestPipelineConfig {
  public static final String SOURCE_PASSWORD_ENV = "SOURCE_PASSWORD";
  public static final String DESTINATION_PASSWORD_ENV = "DESTINATION_PASSWORD";
  /** The environment a replicator needs for the passwords of a config built here. */
  public static final Map<String, String> PASSWORDS =
      Map.of(SOURCE_PASSWORD_ENV, PostgresServer.PASSWORD, DESTINATION_PASSWORD_ENV, PostgresServer.PASSWORD);

  private static final YAMLMapper TREES = new YAMLMapper();

  private final PipelineConfig.Builder builder;
  private String overrides = "";

  private TestPipelineConfig(PipelineConfig.Builder builder) {
    this.builder = builder;
  }

  /** From database {@code postgres} of {@code source} to database {@code postgres} of {@code destination}. */
  public static TestPipelineConfig postgresToPostgres(String id, String publication, PostgresServer source,
      PostgresServer destination) {
    return postgresToPostgres(id, publication, source, destination, "postgres");
  }

  /** As above, into {@code destinationDatabase} of the destination server. */
  public static TestPipelineConfig postgresToPostgres(String id, String publication, PostgresServer source,
      PostgresServer destination, String destinationDatabase) {
    return new TestPipelineConfig(PipelineConfig.builder()
        .pipeline(id, publication)
        .source(source.connectionConfig("postgres", SOURCE_PASSWORD_ENV))
        .destination(new DestinationConfig("postgres", destination.connectionConfig(destinationDatabase, DESTINATION_PASSWORD_ENV)))
        .retry(new RetryConfig(100L, 1_000L, null))
        .http(new HttpConfig(0, "127.0.0.1", new AdminHttpConfig(0, null, null))));
  }

  /** Changes the config through the records' builder. */
  public TestPipelineConfig with(Consumer<PipelineConfig.Builder> change) {
    change.accept(builder);
    return this;
  }

  /** YAML blocks laid over the config key by key (a mapping merges, anything else replaces); may be empty. */
  public TestPipelineConfig overrides(String yaml) {
    this.overrides = yaml;
    return this;
  }

  /** The config, overrides included, as the replicator reads it (not validated, so a test may build a bad one). */
  public PipelineConfig config() {
    try {
      return PipelineConfigYaml.read(yaml());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the overrides do not fit the pipeline config: " + e.getOriginalMessage(), e);
    }
  }

  /** The pipeline YAML. */
  public String yaml() {
    String built = PipelineConfigYaml.write(builder.build());
    if (overrides.isBlank()) {
      return built;
    }
    try {
      JsonNode base = TREES.readTree(built);
      merge((ObjectNode) base, TREES.readTree(overrides));
      return PipelineConfigYaml.write(PipelineConfigYaml.read(TREES.writeValueAsString(base)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the overrides do not fit the pipeline config: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes {@link #yaml} to {@code file} and returns it. */
  public Path write(Path file) {
    try {
      return Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode into, JsonNode over) {
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode existing = into.get(field.getKey());
      if (existing instanceof ObjectNode object && field.getValue().isObject()) {
        merge(object, field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }
}
