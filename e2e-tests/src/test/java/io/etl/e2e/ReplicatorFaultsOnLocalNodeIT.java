package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(3)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class ReplicatorFaultsOnLocalNodeIT extends ReplicatorFaultScenarios {}
