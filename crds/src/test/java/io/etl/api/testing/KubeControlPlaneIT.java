package io.etl.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.Pipeline;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture itself: the operator's tests rely on what these check. */
class KubeControlPlaneIT {
  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  @Test
  void kubectlTalksToThisServerWhichServesTheEtlResources() {
    KubectlResult version = kube.kubectl("version", "-o", "yaml");
    assertTrue(version.succeeded(), version::toString);
    assertTrue(version.stdout().contains("gitVersion: v" + kube.version()), version::toString);

    KubectlResult resources = kube.kubectl("api-resources", "--api-group=etl.io", "-o", "wide");
    assertTrue(resources.succeeded(), resources::toString);
    assertTrue(resources.stdout().matches("(?s).*pipelines\\s+pl\\s+etl.io/v1alpha1\\s+true\\s+Pipeline.*"),
        resources::toString);
    assertTrue(resources.stdout().matches("(?s).*destinations\\s+dst\\s+etl.io/v1alpha1\\s+true\\s+Destination.*"),
        resources::toString);

    KubectlResult byCategory = kube.kubectl("get", "etl", "-A");
    assertTrue(byCategory.succeeded(), byCategory::toString);
  }

  @Test
  void impersonatedServiceAccountMayDoOnlyWhatRbacGrants() {
    KubernetesClient admin = kube.client();
    admin.resource(new NamespaceBuilder().withNewMetadata().withName("rbac").endMetadata().build()).create();
    KubernetesClient reader = kube.clientAsServiceAccount("rbac", "reader");

    assertForbidden(() -> reader.resources(Pipeline.class).inNamespace("rbac").list());

    admin.resource(new RoleBuilder().withNewMetadata().withName("pipeline-reader").withNamespace("rbac").endMetadata()
        .addNewRule().withApiGroups("etl.io").withResources("pipelines").withVerbs("get", "list").endRule()
        .build()).create();
    admin.resource(new RoleBindingBuilder().withNewMetadata().withName("reader").withNamespace("rbac").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pipeline-reader")
        .addNewSubject().withKind("ServiceAccount").withName("reader").withNamespace("rbac").endSubject()
        .build()).create();

    assertEquals(0, listOnceTheGrantIsSeen(reader).getItems().size());
    assertForbidden(() -> reader.resources(Pipeline.class).inNamespace("default").list());
    assertForbidden(() -> reader.resources(Pipeline.class).inNamespace("rbac").withName("any").delete());
    assertForbidden(() -> kube.clientAs("someone").resources(Pipeline.class).inNamespace("rbac").list());
  }

  // the authorizer reads RBAC objects from a cache, so a new binding takes effect shortly after it is created
  private static io.fabric8.kubernetes.api.model.KubernetesResourceList<Pipeline> listOnceTheGrantIsSeen(
      KubernetesClient client) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        return client.resources(Pipeline.class).inNamespace("rbac").list();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 || Instant.now().isAfter(deadline)) {
          throw e;
        }
      }
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertForbidden(Runnable request) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, request::run,
        "RBAC must refuse this request");
    assertEquals(403, e.getCode(), e::getMessage);
  }
}
