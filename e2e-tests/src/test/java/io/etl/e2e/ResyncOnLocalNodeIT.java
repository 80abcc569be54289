package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(7)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class ResyncOnLocalNodeIT extends ResyncScenarios {}
