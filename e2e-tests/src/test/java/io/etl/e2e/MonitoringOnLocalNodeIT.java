package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(6)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class MonitoringOnLocalNodeIT extends MonitoringScenarios {}
