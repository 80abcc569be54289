package io.etl.e2e;

import org.junit.jupiter.api.Order;
import org.testcontainers.junit.jupiter.Testcontainers;

@Order(14)
@OnCluster(OnCluster.Kind.K3S)
@Testcontainers(disabledWithoutDocker = true)
class SpoolOnK3sIT extends SpoolScenario {}
