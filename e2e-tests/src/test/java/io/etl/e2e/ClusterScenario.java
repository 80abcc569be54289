package io.etl.e2e;

import io.etl.core.testing.DocumentedCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every scenario class: its {@link E2eEnvironment} (of the kind its concrete subclass
 * names with {@link OnCluster}) and a log line per scenario with its outcome and duration.
 */
@ExtendWith({E2eExtension.class, ScenarioLog.class})
abstract class ClusterScenario {
  static final DocumentedCommands DEPLOY_README = E2eEnvironment.DEPLOY_README;
  static E2eEnvironment env;

  @BeforeAll
  static void environment(E2eEnvironment environment) {
    env = environment;
  }
}
