package io.etl.e2e;

import org.junit.jupiter.api.Order;

@Order(2)
@OnCluster(OnCluster.Kind.LOCAL_NODE)
class PipelineLifecycleOnLocalNodeIT extends PipelineLifecycleScenarios {}
