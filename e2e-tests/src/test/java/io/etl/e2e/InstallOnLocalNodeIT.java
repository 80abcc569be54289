package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(1)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class InstallOnLocalNodeIT extends InstallScenarios {}
