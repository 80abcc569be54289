package io.etl.e2e;

import static io.etl.core.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.testing.KubectlResult;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;

/**
 * One Pipeline of a scenario, with what it replicates: a source database of its own holding
 * {@code customers} and {@code orders} with a publication, a destination database of its own, a
 * namespace enforcing the restricted Pod Security Standard that lets the operator read its Secrets,
 * and the Destination and Pipeline, applied with kubectl as a user writes them.
 */
final class ShopPipeline {
  static final Duration CONVERGE = Duration.ofMinutes(5);
  static final List<String> TABLES = List.of("customers", "orders");

  final E2eEnvironment env;
  final String namespace;
  final String name;
  /** The pipeline id (the name with - turned into _, as the operator derives it). */
  final String id;
  final String sourceDatabase;
  final String destinationDatabase;
  private String reclaimPolicy = "Delete";

  /** Databases named as the pipeline id. */
  ShopPipeline(E2eEnvironment env, String namespace, String name) {
    this(env, namespace, name, name.replace('-', '_'), name.replace('-', '_'));
  }

  ShopPipeline(E2eEnvironment env, String namespace, String name, String sourceDatabase, String destinationDatabase) {
    this.env = env;
    this.namespace = namespace;
    this.name = name;
    this.id = name.replace('-', '_');
    this.sourceDatabase = sourceDatabase;
    this.destinationDatabase = destinationDatabase;
  }

  PostgresServer source() {
    return env.source();
  }

  PostgresServer destination() {
    return env.destination();
  }

  /** The source database with {@code customers} and {@code orders} rows, its publication, and an empty destination database. */
  ShopPipeline createDatabases(int customers, int orders) {
    createTables(source(), sourceDatabase, customers, orders, id + "_pub");
    destination().execute("CREATE DATABASE " + destinationDatabase);
    return this;
  }

  /** Database {@code database} with the two tables and a publication of both. */
  static void createTables(PostgresServer server, String database, int customers, int orders, String publication) {
    server.execute("CREATE DATABASE " + database);
    server.executeIn(database,
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2))",
        "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, " + customers + ") g",
        "INSERT INTO orders SELECT g, 1 + g % " + Math.max(1, customers) + ", g * 1.25 FROM generate_series(1, " + orders + ") g",
        "CREATE PUBLICATION " + publication + " FOR TABLE customers, orders");
  }

  /** spec.slotReclaimPolicy of the Pipeline {@link #apply} writes: Delete (the default) or Retain. */
  ShopPipeline reclaimPolicy(String policy) {
    this.reclaimPolicy = policy;
    return this;
  }

  /** The namespace (restricted), the operator's Secret grant there, the password Secret, the Destination and the Pipeline. */
  ShopPipeline apply(String password, String pipelineSpecExtra) {
    String manifests = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %1$s
          labels:
            pod-security.kubernetes.io/enforce: restricted
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: etl-operator-secret-reader, namespace: %1$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: etl-operator-secret-reader}
        subjects: [{kind: ServiceAccount, name: etl-operator, namespace: etl-system}]
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: %2$s-postgres, namespace: %1$s}
        stringData: {password: "%6$s", destination-password: "%7$s"}
        ---
        apiVersion: etl.io/v1alpha1
        kind: Destination
        metadata: {name: %2$s-sink, namespace: %1$s}
        spec:
          type: postgres
          postgres:
            host: %3$s
            port: %5$d
            database: %10$s
            user: postgres
            passwordSecretRef: {name: %2$s-postgres, key: destination-password}
        ---
        apiVersion: etl.io/v1alpha1
        kind: Pipeline
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          source:
            host: %3$s
            port: %4$d
            database: %11$s
            user: postgres
            passwordSecretRef: {name: %2$s-postgres, key: password}
          publication: %8$s_pub
          destinationRef: {name: %2$s-sink}
          slotReclaimPolicy: %12$s
          heartbeatIntervalSeconds: 1
        %9$s
        """.formatted(namespace, name, env.serverHost(), source().port(), destination().port(), password,
        PostgresServer.PASSWORD, id, pipelineSpecExtra.indent(2).stripTrailing(), destinationDatabase, sourceDatabase, reclaimPolicy);
    KubectlResult applied = env.cluster().kubectlWithInput(manifests, "apply", "-f", "-");
    assertTrue(applied.succeeded(), () -> applied + "\n" + manifests);
    return this;
  }

  ShopPipeline apply() {
    return apply(PostgresServer.PASSWORD, "");
  }

  Pipeline get() {
    return Resources.get(env.admin(), namespace, name);
  }

  Deployment deployment() {
    return env.admin().apps().deployments().inNamespace(namespace).withName("etl-" + name).get();
  }

  List<Pod> pods() {
    return env.admin().pods().inNamespace(namespace)
        .withLabel("app.kubernetes.io/name", "etl-replicator").withLabel("etl.io/pipeline", name).list().getItems();
  }

  /** The replicator pod, once there is exactly one and it is not terminating. */
  Pod awaitPod(String what) {
    return await(what, CONVERGE, () -> {
      List<Pod> pods = pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      return pods.size() == 1 && Pods.containerStarted(pods.get(0)) ? pods.get(0) : null;
    }, this::describe);
  }

  /** The pod's Ready condition True, which only its readiness probe on /readyz sets. */
  Pod awaitReady(Pod pod) {
    return await("pod " + pod.getMetadata().getName() + " Ready through its readiness probe", CONVERGE, () -> {
      Pod now = env.admin().pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
      return now != null && Pods.ready(now) ? now : null;
    }, this::describe);
  }

  /** Rows of {@code table} in the destination, 0 before the table exists there. */
  long destinationRows(String table) {
    boolean exists = destination().queryOne(destinationDatabase, "SELECT to_regclass('public." + table + "')") != null;
    return exists ? count(destination(), table) : 0;
  }

  /** Ready=True with reason Streaming. */
  Pipeline awaitStreaming() {
    return await(name + " Ready=True (Streaming)", CONVERGE, () -> {
      Pipeline p = get();
      return Resources.conditionIs(p, "Ready", "True", "Streaming") ? p : null;
    }, this::describe);
  }

  /** Every table equal in source and destination by row count and content hash. */
  void assertConverged() {
    for (String table : TABLES) {
      await(namespace + "/" + name + ": " + table + " equal in source and destination (count and content hash)", CONVERGE,
          () -> fingerprint(source(), table).equals(fingerprint(destination(), table)),
          () -> "source " + fingerprint(source(), table) + ", destination " + fingerprint(destination(), table) + "\n" + describe());
    }
  }

  String fingerprint(PostgresServer server, String table) {
    return server.contentFingerprint(server == source() ? sourceDatabase : destinationDatabase, "public." + table);
  }

  long count(PostgresServer server, String table) {
    return Long.parseLong(server.queryOne(server == source() ? sourceDatabase : destinationDatabase,
        "SELECT count(*) FROM public." + table));
  }

  /** The replication slots of this pipeline on the source, by exact name pattern. */
  List<List<String>> slots() {
    return source().query("postgres", "SELECT slot_name, active::text FROM pg_replication_slots WHERE slot_name ~ '^etl_"
        + id + "_(apply|sync_[0-9]+)$' ORDER BY slot_name");
  }

  /** For failure messages: the Pipeline's status, its pods and the node's state. */
  String describe() {
    StringBuilder out = new StringBuilder("--- status of ").append(namespace).append('/').append(name).append('\n')
        .append(Resources.describe(get()));
    for (Pod pod : pods()) {
      out.append("--- pod ").append(pod.getMetadata().getName()).append(": ").append(Pods.summary(pod)).append('\n');
      KubectlResult logs = env.kubectl("-n", namespace, "logs", pod.getMetadata().getName(), "--tail=20");
      out.append(logs.stdout()).append(logs.stderr());
    }
    return out.append(env.cluster().diagnostics()).toString();
  }
}
