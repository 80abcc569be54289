package io.etl.core.config;

import io.etl.core.error.EtlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret lives: an environment variable or a file (e.g. a mounted Kubernetes Secret).
 * The YAML names the place, never the value, and the value is never logged.
 */
public record SecretRef(String env, String file) {

  public void validate(String field, java.util.List<String> problems) {
    boolean hasEnv = env != null && !env.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasEnv == hasFile) {
      problems.add(field + " must name exactly one of 'env' (an environment variable) or 'file' (a path)");
    }
  }

  /** Reads the secret; trailing newlines of a file are dropped. */
  public String resolve(String field, Map<String, String> environment) {
    if (env != null && !env.isBlank()) {
      String value = environment.get(env);
      if (value == null) {
        throw EtlException.fatal(
            "config_invalid",
            field + " names environment variable " + env + ", which is not set.",
            "set " + env + " in the replicator's environment, or point " + field + ".file at a file holding the secret.",
            null);
      }
      return value;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw EtlException.fatal(
          "config_invalid",
          field + " names file " + file + ", which cannot be read (" + e.getClass().getSimpleName() + ").",
          "mount the secret at " + file + " or correct " + field + ".file.",
          null);
    }
  }

  @Override
  public String toString() {
    return env != null ? "env:" + env : "file:" + file;
  }
}
