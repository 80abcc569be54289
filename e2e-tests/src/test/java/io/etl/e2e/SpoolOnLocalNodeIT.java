package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(4)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class SpoolOnLocalNodeIT extends SpoolScenario {}
