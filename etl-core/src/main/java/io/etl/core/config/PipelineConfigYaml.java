package io.etl.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The one mapping between {@link PipelineConfig} and the pipeline YAML: the replicator's loader
 * reads with it and the operator writes the ConfigMap with it, so a key is spelled once, by the
 * record component, and the two can only disagree if this class does.
 *
 * <p>Reading is strict: unknown keys, duplicate keys, a second document, a null for a number and
 * a fraction for a count are all errors. Writing leaves out what is null, so a secret that is not
 * configured writes no key, and a {@link SecretRef} writes only where the secret lives.
 */
public final class PipelineConfigYaml {
  private static final ObjectMapper MAPPER =
      YAMLMapper.builder(YAMLFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .build())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // 1.5 for a count is a mistake to report, not to round away
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private PipelineConfigYaml() {}

  /**
   * The config {@code text} holds, defaults filled in but not validated ({@link
   * PipelineConfig#problems()}); null for an empty document. Jackson's exceptions may quote the
   * input, secrets included, so callers turn them into their own message.
   */
  public static PipelineConfig read(String text) throws JsonProcessingException {
    return MAPPER.readValue(text, PipelineConfig.class);
  }

  /** {@code config} as the YAML {@link #read} gives back as an equal record. */
  public static String write(PipelineConfig config) {
    try {
      return MAPPER.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      // records of strings, numbers and booleans: nothing here can fail to serialise
      throw new IllegalStateException("cannot write the pipeline config as YAML", e);
    }
  }
}
