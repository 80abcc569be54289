package io.etl.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The cluster a concrete scenario class runs on. The scenarios are written once, against
 * {@link io.etl.e2e.cluster.Cluster}; each has a subclass per kind: {@code ...OnLocalNodeIT} and
 * {@code ...OnK3sIT}. All classes of one kind share one {@link E2eEnvironment} for the whole run.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnCluster {
  Kind value();

  enum Kind {
    /** {@link io.etl.e2e.cluster.LocalNode}: this machine, as root. */
    LOCAL_NODE,
    /** {@link io.etl.e2e.cluster.K3sCluster}: Docker, where an engine exists. */
    K3S
  }
}
