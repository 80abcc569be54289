package io.etl.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring/dashboards/etl-pipelines.json is a dashboard Grafana can load: it parses, every
 * panel has an id of its own, a place and at least one query on the dashboard's Prometheus data
 * source, and every query is narrowed by the namespace and pipeline variables. That its metrics
 * exist is MonitoringScenarios' part, on a real scrape.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = MonitoringTools.ROOT.resolve("deploy/monitoring/dashboards/etl-pipelines.json");

  @Test
  void everyPanelHasAQueryOnThePrometheusDataSourceNarrowedToTheChosenPipelines() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertEquals("etl-pipelines", dashboard.path("uid").asText());
    Set<String> variables = new HashSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertEquals(Set.of("datasource", "namespace", "pipeline"), variables);

    List<String> problems = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    JsonNode panels = dashboard.path("panels");
    assertTrue(panels.size() >= 12, "panels: " + panels.size());
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText("(untitled)");
      if (!ids.add(panel.path("id").asInt(-1))) {
        problems.add(title + ": id " + panel.path("id") + " twice or missing");
      }
      if (!panel.path("gridPos").has("w") || !panel.path("gridPos").has("h")) {
        problems.add(title + ": no gridPos");
      }
      if (!"${datasource}".equals(panel.path("datasource").path("uid").asText())) {
        problems.add(title + ": not on the dashboard's data source");
      }
      if (panel.path("targets").isEmpty()) {
        problems.add(title + ": no query");
      }
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText("");
        if (expr.isBlank()) {
          problems.add(title + " " + target.path("refId").asText() + ": empty query");
        } else if (!expr.contains("namespace=~\"$namespace\"") || !expr.contains("pipeline=~\"$pipeline\"")) {
          problems.add(title + ": a query not narrowed by $namespace and $pipeline: " + expr);
        }
      }
    }
    assertEquals(List.of(), problems);
  }
}
