package io.etl.operator;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Before the informers start: may the operator do its job in every namespace it watches? A
 * watched namespace without the RoleBinding would otherwise show only as informers failing with
 * 403 somewhere in the log; this names the namespace and the binding to create.
 */
final class NamespaceAccess {
  /** One rule per grant the job needs: the resources (ClusterRole etl-operator) and the children it writes. */
  private record Need(String verb, String group, String resource) {
    String describe() {
      return verb + " " + resource + (group.isEmpty() ? "" : "." + group);
    }
  }

  private static final List<Need> NEEDS =
      List.of(new Need("watch", "etl.io", "pipelines"), new Need("patch", "apps", "deployments"));

  private NamespaceAccess() {}

  /** @throws MissingAccessException naming every namespace where a grant is missing, and the fix */
  static void check(KubernetesClient client, OperatorSettings settings) {
    List<String> problems = new ArrayList<>();
    Set<String> namespaces = settings.watchNamespaces().isEmpty() ? Set.of("") : new TreeSet<>(settings.watchNamespaces());
    for (String namespace : namespaces) {
      for (Need need : NEEDS) {
        if (!allowed(client, namespace, need)) {
          problems.add(need.describe() + (namespace.isEmpty() ? " in all namespaces" : " in namespace " + namespace));
        }
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    String account = (settings.operatorNamespace() == null ? "<its namespace>" : settings.operatorNamespace()) + ":etl-operator";
    String fix = settings.watchNamespaces().isEmpty()
        ? "apply deploy/base (its ClusterRoleBinding etl-operator), or set ETL_WATCH_NAMESPACES to namespaces that bind"
            + " ClusterRole etl-operator to the operator"
        : "in each such namespace bind ClusterRole etl-operator to the operator's ServiceAccount, e.g. kubectl -n <namespace>"
            + " create rolebinding etl-operator --clusterrole=etl-operator --serviceaccount=" + account;
    throw new MissingAccessException("the operator may not " + String.join(", ", problems) + ". Fix: " + fix + ".");
  }

  private static boolean allowed(KubernetesClient client, String namespace, Need need) {
    SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview().create(
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
              .withNewResourceAttributes()
                .withNamespace(namespace)
                .withVerb(need.verb())
                .withGroup(need.group())
                .withResource(need.resource())
              .endResourceAttributes()
            .endSpec()
            .build());
    return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
  }

  /** The operator cannot work where it is told to; the message is one line with the fix. */
  public static final class MissingAccessException extends RuntimeException {
    MissingAccessException(String message) {
      super(message);
    }
  }
}
