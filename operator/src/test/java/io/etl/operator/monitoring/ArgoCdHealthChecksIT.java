package io.etl.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.etl.core.testing.DocumentedCommands;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/argocd's health.lua scripts, run by the interpreter Argo CD uses (gopher-lua, through
 * deploy/argocd/test-runner) on every testdata object, each checked against its
 * health_test.yaml as Argo CD's own resource_customizations are. The testdata are statuses the
 * operator wrote on the e2e cluster (ArgoCdHealthScenarios captures them), one per state a user
 * meets.
 */
class ArgoCdHealthChecksIT {
  private static final Path CHECKS = MonitoringTools.ROOT.resolve("deploy/argocd/resource_customizations");

  private static final DocumentedCommands README = DocumentedCommands.of(MonitoringTools.ROOT.resolve("deploy/README.md"));

  @Test
  void everyCapturedStatusGetsTheHealthItsTestExpects() {
    MonitoringTools.tool("argocd-lua-health");
    // deploy/README.md's commands, as written
    MonitoringTools.Result built = MonitoringTools.exec(MonitoringTools.ROOT, Duration.ofMinutes(30), "bash", "-c",
        README.under("## Argo CD", "scripts/provision-monitoring-tools.sh argocd-lua-health"));
    assertEquals(0, built.exitCode(), built.output());
    MonitoringTools.Result r = MonitoringTools.exec(MonitoringTools.ROOT, Duration.ofMinutes(2), "bash", "-c",
        README.under("## Argo CD", "\"$(scripts/provision-monitoring-tools.sh --where argocd-lua-health)\" test"));
    System.out.println(r.output());
    assertEquals(0, r.exitCode(), r.output());
    String last = r.lines().get(r.lines().size() - 1);
    assertTrue(last.matches("\\d+ passed, 0 failed"), r.output());
    assertEquals(cases(), Integer.parseInt(last.split(" ")[0]), "every case of every health_test.yaml ran:\n" + r.output());
  }

  @Test
  void thePipelineCheckHasAStatusForEveryStateAUserMeets() throws Exception {
    assertEquals(Set.of("healthy", "copying", "paused", "auth-failure", "errored-table", "deleting", "edited"),
        testdata("Pipeline"));
    assertEquals(Set.of("healthy", "auth-failure"), testdata("Destination"));
  }

  @Test
  void theArgoCdConfigMapPatchCarriesTheScriptsAsTheyAre() throws Exception {
    String patch = Files.readString(MonitoringTools.ROOT.resolve("deploy/argocd/argocd-cm-patch.yaml"));
    Map<?, ?> data = (Map<?, ?>) Serialization.unmarshal(patch, Map.class).get("data");
    for (String kind : List.of("Pipeline", "Destination")) {
      String script = Files.readString(CHECKS.resolve("etl.io").resolve(kind).resolve("health.lua"));
      assertEquals(script, data.get("resource.customizations.health.etl.io_" + kind),
          "deploy/argocd/argocd-cm-patch.yaml differs from " + kind + "/health.lua: copy the script into it, indented by 4");
    }
    assertEquals(2, data.size(), String.valueOf(data.keySet()));
  }

  private static Set<String> testdata(String kind) throws Exception {
    try (Stream<Path> files = Files.list(CHECKS.resolve("etl.io").resolve(kind).resolve("testdata"))) {
      return files.map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).collect(Collectors.toSet());
    }
  }

  private static int cases() {
    try (Stream<Path> tests = Files.walk(CHECKS)) {
      List<Path> files = tests.filter(p -> p.getFileName().toString().equals("health_test.yaml")).toList();
      int n = 0;
      for (Path f : files) {
        n += (int) Files.readAllLines(f).stream().filter(l -> l.strip().startsWith("inputPath:")).count();
      }
      return n;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
