package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(5)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class HelmInstallOnLocalNodeIT extends HelmInstallScenarios {}
