package io.etl.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.api.testing.KubeControlPlane;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.ShellCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * deploy/README.md's argocd-cm patch, run as written against a real API server holding an argocd-cm
 * as an Argo CD install has it: the two health checks arrive as the scripts are, and the keys that
 * were there stay.
 */
class ArgoCdConfigMapPatchIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  @Test
  void thePatchAddsBothHealthChecksAndKeepsTheRestOfArgoCdsConfig() throws Exception {
    kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("argocd").endMetadata().build()).create();
    kube.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("argocd-cm").withNamespace("argocd")
        .endMetadata().addToData("url", "https://argocd.example.com").addToData("timeout.reconciliation", "180s").build()).create();

    String command = DocumentedCommands.of(kube.repositoryRoot().resolve("deploy/README.md"))
        .under("## Argo CD", "kubectl -n argocd patch configmap argocd-cm");
    Path log = Files.createTempFile("argocd-cm", ".log");
    int code = ShellCommand.run(command, kube.repositoryRoot(), kube.shellEnvironment(), log, Duration.ofMinutes(2));
    assertEquals(0, code, command + "\n" + Files.readString(log));

    ConfigMap cm = kube.client().configMaps().inNamespace("argocd").withName("argocd-cm").get();
    Path checks = kube.repositoryRoot().resolve("deploy/argocd/resource_customizations/etl.io");
    assertEquals(Files.readString(checks.resolve("Pipeline/health.lua")), cm.getData().get("resource.customizations.health.etl.io_Pipeline"));
    assertEquals(Files.readString(checks.resolve("Destination/health.lua")),
        cm.getData().get("resource.customizations.health.etl.io_Destination"));
    assertEquals("https://argocd.example.com", cm.getData().get("url"));
    assertEquals("180s", cm.getData().get("timeout.reconciliation"));
    Files.deleteIfExists(log);
  }
}
