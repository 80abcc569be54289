package io.etl.bench.operator;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.testing.KubectlResult;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator under load: {@code pipelines} Pipelines, each with a password Secret of its own,
 * sharing one Destination and one embedded PostgreSQL source, against the real test API server
 * (kube-api-test, no kubelet and no controller manager: Deployments never get pods). The operator
 * runs in a child JVM as deploy/base's ServiceAccount with the heap its pod would get (512 MiB
 * limit). Every 30 s it prints the operator's RSS and heap, the API requests since the last
 * sample by verb, and how current the statuses are; at the end a summary over minutes 2 to the
 * end. Not a test: it prints figures and never fails on them.
 *
 * <p>Arguments: [pipelines (500)] [minutes (10)] [observe interval seconds (15)].
 */
public final class OperatorBench {
  private static final String NAMESPACE = "bench";
  private static final Duration SAMPLE = Duration.ofSeconds(30);
  private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);

  private OperatorBench() {}

  public static void main(String[] args) throws Exception {
    int pipelines = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int interval = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Path out = Files.createDirectories(Path.of("bench/target/operator-bench"));
    System.out.printf(Locale.ROOT, "operator bench: %d Pipelines, %d min, observe interval %d s, operator log %s%n",
        pipelines, minutes, interval, out.resolve("operator.log"));

    KubeControlPlane kube = new KubeControlPlane();
    try (PostgresServer source = PostgresServer.start("logical")) {
      kube.beforeAll(null);
      try {
        setUp(kube, source, pipelines);
        run(kube, out, pipelines, minutes, interval);
      } finally {
        kube.afterAll(null);
      }
    }
    System.exit(0); // the embedded servers' non-daemon threads
  }

  private static void setUp(KubeControlPlane kube, PostgresServer source, int pipelines) {
    source.execute("CREATE TABLE bench_t (id int PRIMARY KEY, v text)");
    source.execute("CREATE PUBLICATION bench_pub FOR TABLE bench_t");
    KubectlResult applied = kube.kubectl("apply", "--server-side", "--force-conflicts", "-k",
        kube.repositoryRoot().resolve("deploy/base").toString());
    if (!applied.succeeded()) {
      throw new IllegalStateException("kubectl apply -k deploy/base failed: " + applied);
    }
    // kube-api-test's service range is a /24: without more addresses, the metrics Services of
    // Pipelines past the 250th or so are refused ("range is full") and those Pipelines never get
    // further than their failed reconcile
    KubectlResult cidr = kube.kubectlWithInput("""
        apiVersion: networking.k8s.io/v1
        kind: ServiceCIDR
        metadata:
          name: bench-services
        spec:
          cidrs: ["10.128.0.0/16"]
        """, "apply", "-f", "-");
    if (!cidr.succeeded()) {
      throw new IllegalStateException("cannot add a ServiceCIDR for the Pipelines' metrics Services: " + cidr);
    }
    OperatorUnderTest.createPipelineNamespace(kube, NAMESPACE);
    KubernetesClient admin = kube.client();
    admin.resource(Resources.passwordSecret(NAMESPACE, "dest-password", PostgresServer.PASSWORD)).create();
    admin.resource(Resources.postgresDestination(NAMESPACE, "dest",
        Resources.local(source.port(), "postgres", "dest-password"))).create();
    for (int i = 0; i < pipelines; i++) {
      String name = "p-" + i;
      admin.resource(Resources.passwordSecret(NAMESPACE, name + "-source", PostgresServer.PASSWORD)).create();
      admin.resource(Resources.pipeline(NAMESPACE, name, Resources.local(source.port(), "postgres", name + "-source"),
          "bench_pub", "dest", SlotReclaimPolicy.Delete)).create();
    }
    System.out.printf(Locale.ROOT, "created %d Pipelines, %d Secrets, 1 Destination in namespace %s%n", pipelines,
        pipelines + 1, NAMESPACE);
  }

  private static void run(KubeControlPlane kube, Path out, int pipelines, int minutes, int interval) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:MaxRAM=512m")); // the JVM sizes its heap as in the operator's pod (memory limit 512Mi)
    String extra = System.getenv("ETL_BENCH_OPERATOR_JVM_FLAGS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), OperatorProcess.class.getName(),
        kube.kubeconfig().toString(), String.valueOf(port), String.valueOf(interval)));
    Process operator = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.resolve("operator.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    KubernetesClient admin = kube.client();
    try {
      Instant started = Instant.now();
      ApiRequestCounts first = null;
      ApiRequestCounts previous = ApiRequestCounts.parse(admin.raw("/metrics"));
      Instant firstAt = null;
      Map<Long, StatusAges> refreshBySecond = new TreeMap<>();
      System.out.println(" t(s)  RSS MiB  heap MiB  requests since last sample by verb | status");
      while (Duration.between(started, Instant.now()).compareTo(Duration.ofMinutes(minutes)) < 0) {
        Thread.sleep(SAMPLE.toMillis());
        if (!operator.isAlive()) {
          System.out.println("bench: WARNING, the operator exited with " + operator.exitValue() + "; see its log");
          return;
        }
        long t = Duration.between(started, Instant.now()).toSeconds();
        ApiRequestCounts now = ApiRequestCounts.parse(admin.raw("/metrics"));
        StatusAges ages = StatusAges.of(admin.resources(Pipeline.class).inNamespace(NAMESPACE).list().getItems(),
            Instant.now());
        refreshBySecond.put(t, ages);
        System.out.printf(Locale.ROOT, "%5d  %7.0f  %8.0f  %s | %s%n", t, rssMib(operator.pid()), heapMib(http, port),
            now.minus(previous).byVerb(), ages.describe());
        previous = now;
        if (first == null && t >= 120) {
          first = now;
          firstAt = Instant.now();
        }
      }
      summary(first, previous, firstAt, pipelines, interval, refreshBySecond);
      System.out.printf(Locale.ROOT, "operator after %d min: RSS %.0f MiB, heap used %.0f MiB%n", minutes,
          rssMib(operator.pid()), heapMib(http, port));
    } finally {
      operator.destroy();
      operator.waitFor();
    }
  }

  private static void summary(ApiRequestCounts from, ApiRequestCounts to, Instant fromAt, int pipelines, int interval,
      Map<Long, StatusAges> samples) {
    if (from == null) {
      System.out.println("bench: run shorter than 3 minutes, no per-minute figures (they start at minute 2)");
      return;
    }
    double minutes = Duration.between(fromAt, Instant.now()).toMillis() / 60_000.0 - SAMPLE.toMillis() / 60_000.0;
    minutes = Math.max(minutes, SAMPLE.toMillis() / 60_000.0);
    ApiRequestCounts delta = to.minus(from);
    System.out.printf(Locale.ROOT, "API requests from minute 2 to the end (%.1f min), per minute and per Pipeline per minute:%n",
        minutes);
    for (var e : delta.byVerb().entrySet()) {
      System.out.printf(Locale.ROOT, "  %-8s %8.1f/min  %6.2f per Pipeline per min%n", e.getKey(), e.getValue() / minutes,
          e.getValue() / minutes / pipelines);
    }
    System.out.println("by verb and resource:");
    for (var e : delta.byVerbAndResource().entrySet()) {
      System.out.printf(Locale.ROOT, "  %-40s %8.1f/min  %6.2f per Pipeline per min%n", e.getKey(), e.getValue() / minutes,
          e.getValue() / minutes / pipelines);
    }
    double writes = delta.byVerb().entrySet().stream()
        .filter(e -> List.of("APPLY", "PATCH", "POST", "PUT", "UPDATE", "CREATE", "DELETE").contains(e.getKey()))
        .mapToDouble(Map.Entry::getValue).sum();
    System.out.printf(Locale.ROOT, "writes per Pipeline per refresh (%d s): %.2f%n", interval,
        writes / minutes / pipelines * interval / 60.0);
    var last = samples.values().stream().reduce((a, b) -> b).orElseThrow();
    System.out.println("status at the end: " + last.describe() + " (goal: every Pipeline, max age <= " + 2 * interval + " s)");
  }

  private static double rssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) / 1024.0;
      }
    }
    return -1;
  }

  private static double heapMib(HttpClient http, int port) {
    try {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      Matcher m = HEAP.matcher(metrics);
      while (m.find()) {
        sum += Double.parseDouble(m.group(1));
      }
      return sum / (1024 * 1024);
    } catch (Exception e) {
      return -1; // not up yet
    }
  }
}
