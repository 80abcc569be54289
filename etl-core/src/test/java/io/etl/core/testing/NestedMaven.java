package io.etl.core.testing;

import java.util.Map;

/**
 * For a test that runs a documented command which itself calls {@code ./mvnw}: that inner build
 * must use the outer build's local repository (failsafe passes it as {@code etl.maven.repository}),
 * or a build with {@code -Dmaven.repo.local=…} would send it to another, possibly empty one.
 * Every module's inner build finds this build's outputs up to date and rewrites none of them.
 */
public final class NestedMaven {
  private NestedMaven() {}

  /** {@code MAVEN_ARGS} (read by Maven 3.9's launcher) with the outer build's repository added. */
  public static Map<String, String> environment() {
    String repository = System.getProperty("etl.maven.repository");
    if (repository == null || repository.isBlank()) {
      throw new IllegalStateException("etl.maven.repository is not set: run this test with failsafe (./mvnw verify),"
          + " whose configuration in the root pom.xml passes the build's local repository");
    }
    String args = (System.getenv().getOrDefault("MAVEN_ARGS", "") + " -Dmaven.repo.local=" + repository).strip();
    return Map.of("MAVEN_ARGS", args);
  }
}
