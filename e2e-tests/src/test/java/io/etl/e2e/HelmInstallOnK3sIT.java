package io.etl.e2e;

import org.junit.jupiter.api.Order;
import org.testcontainers.junit.jupiter.Testcontainers;

@Order(15)
@OnCluster(OnCluster.Kind.K3S)
@Testcontainers(disabledWithoutDocker = true)
class HelmInstallOnK3sIT extends HelmInstallScenarios {}
