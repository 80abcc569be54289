package io.etl.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring/prometheusrule.yaml under Prometheus' own rule tester: promtool (built from
 * the Prometheus module by scripts/provision-monitoring-tools.sh) checks the rules and runs
 * deploy/monitoring/tests/rules-test.yaml, whose series are named and labelled as real scrapes of
 * the operator and the replicators name them (MonitoringMetricsExist checks those names exist).
 * promtool reads plain rule files, so the PrometheusRule's spec is extracted first, as the
 * Prometheus Operator does.
 */
class PrometheusRulesIT {
  private static final Path MONITORING = MonitoringTools.ROOT.resolve("deploy/monitoring");

  @Test
  void theAlertsFireOnTheSeriesADbaWouldWorryAboutAndStayQuietOtherwise() throws Exception {
    Path promtool = MonitoringTools.tool("promtool");
    Path work = MonitoringTools.ROOT.resolve("operator/target/promtool");
    Files.createDirectories(work);
    Map<?, ?> rule = Serialization.unmarshal(Files.readString(MONITORING.resolve("prometheusrule.yaml")), Map.class);
    assertEquals("PrometheusRule", rule.get("kind"));
    Files.writeString(work.resolve("prometheusrule.rules.yaml"), Serialization.asYaml(rule.get("spec")));
    Files.copy(MONITORING.resolve("tests/rules-test.yaml"), work.resolve("rules-test.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    MonitoringTools.Result check = MonitoringTools.exec(work, Duration.ofMinutes(2), promtool.toString(), "check", "rules",
        "prometheusrule.rules.yaml");
    System.out.println(check.output());
    assertEquals(0, check.exitCode(), check.output());
    assertTrue(check.output().contains("SUCCESS: 12 rules found"), check.output());

    MonitoringTools.Result test = MonitoringTools.exec(work, Duration.ofMinutes(2), promtool.toString(), "test", "rules",
        "rules-test.yaml");
    System.out.println(test.output());
    assertEquals(0, test.exitCode(), test.output());
    assertTrue(test.output().contains("SUCCESS"), test.output());
  }
}
