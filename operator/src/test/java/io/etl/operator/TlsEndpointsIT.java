package io.etl.operator;

import static io.etl.core.testing.Eventually.await;
import static io.etl.operator.testing.Resources.condition;
import static io.etl.operator.testing.Resources.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.api.testing.KubeControlPlane;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.SecretKeyRef;
import io.etl.api.v1alpha1.SlotReclaimPolicy;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestCertificates;
import io.etl.operator.testing.OperatorUnderTest;
import io.etl.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's own connections over TLS, to a server with TLS on (certificate for localhost from
 * a CA the test made, plaintext refused), the CA coming from the Secret that caSecretRef names and
 * sslMode left to its default (verify-full with a CA): the Destination check and the observation of
 * a Pipeline's source succeed with the right CA, and a wrong CA or a host name the certificate does
 * not hold shows in the status as one line naming the problem and the fix.
 */
class TlsEndpointsIT {
  private static final String NS = "tls";

  @RegisterExtension
  static final KubeControlPlane kube = new KubeControlPlane();

  static PostgresServer server;
  static OperatorUnderTest operator;
  static KubernetesClient admin;

  @BeforeAll
  static void start() throws IOException {
    Path dir = Files.createTempDirectory("etl-tls-");
    TestCertificates.ServerFiles tls = TestCertificates.authority("server-ca").issueServer(dir, "localhost");
    Path unrelated = TestCertificates.authority("unrelated-ca").writeCertificate(dir);
    server = PostgresServer.startWithTls(tls);
    server.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    admin = kube.client();
    operator = OperatorUnderTest.install(kube);
    OperatorUnderTest.createPipelineNamespace(kube, NS);
    admin.resource(Resources.passwordSecret(NS, "password", PostgresServer.PASSWORD)).create();
    admin.resource(caSecret("server-ca", tls.caCertificate())).create();
    admin.resource(caSecret("unrelated-ca", unrelated)).create();
    admin.resource(Resources.postgresDestination(NS, "verified", endpoint("localhost", "server-ca"))).create();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Secret caSecret(String name, Path pem) throws IOException {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToStringData("ca.crt", Files.readString(pem, StandardCharsets.US_ASCII)).build();
  }

  /** No sslMode: with a caSecretRef the default is verify-full. */
  private static PostgresEndpoint endpoint(String host, String caSecret) {
    PostgresEndpoint e = new PostgresEndpoint();
    e.host = host;
    e.port = server.port();
    e.database = "postgres";
    e.user = "postgres";
    e.passwordSecretRef = new SecretKeyRef("password", "password");
    e.caSecretRef = new SecretKeyRef(caSecret, "ca.crt");
    return e;
  }

  @Test
  void destinationCheckedWithTheServersCaIsReady() {
    Condition ready = awaitDestination("verified", "True");
    assertEquals("Connected", ready.getReason(), ready.getMessage());
  }

  @Test
  void destinationWithAnUnrelatedCaIsNotReadyAndSaysWhichCaToGive() {
    admin.resource(Resources.postgresDestination(NS, "untrusted", endpoint("localhost", "unrelated-ca"))).create();
    Condition ready = awaitDestination("untrusted", "False");
    assertEquals("TlsUntrustedCertificate", ready.getReason(), ready.getMessage());
    assertEquals("The destination PostgreSQL server at localhost:" + server.port() + " presented a TLS certificate that"
        + " is not signed by the CA certificate given for it (sslMode verify-full). Fix: Give the replicator the CA"
        + " certificate (PEM) that signed the server's certificate: destination.postgres.sslRootCert in the pipeline"
        + " YAML, spec.postgres.caSecretRef of a Destination.", ready.getMessage());
  }

  @Test
  void destinationByAnAddressTheCertificateDoesNotHoldIsNotReady() {
    admin.resource(Resources.postgresDestination(NS, "by-address", endpoint("127.0.0.1", "server-ca"))).create();
    Condition ready = awaitDestination("by-address", "False");
    assertEquals("TlsHostMismatch", ready.getReason(), ready.getMessage());
    assertEquals("The destination PostgreSQL server at 127.0.0.1:" + server.port() + " presented a TLS certificate that"
        + " is not issued for host name '127.0.0.1' (sslMode verify-full checks the name). Fix: Set"
        + " destination.postgres.host to a name the server's certificate holds (a subject alternative name), or have the"
        + " certificate reissued to include '127.0.0.1'.", ready.getMessage());
  }

  @Test
  void sourceObservedWithTheServersCaIsReachable() {
    create("reachable", endpoint("localhost", "server-ca"));
    Pipeline p = awaitSourceReachable("reachable", "True");
    assertEquals("True", condition(p, "SourceReachable").getStatus(), describe(p));
  }

  @Test
  void sourceWithAnUnrelatedCaIsUnreachableWithTheReasonAndTheFix() {
    create("untrusted", endpoint("localhost", "unrelated-ca"));
    Condition reachable = condition(awaitSourceReachable("untrusted", "False"), "SourceReachable");
    assertEquals("TlsUntrustedCertificate", reachable.getReason(), reachable.getMessage());
    assertEquals("The source PostgreSQL server at localhost:" + server.port() + " presented a TLS certificate that is not"
        + " signed by the CA certificate given for it (sslMode verify-full). Fix: Give the replicator the CA certificate"
        + " (PEM) that signed the server's certificate: source.sslRootCert in the pipeline YAML, spec.source.caSecretRef"
        + " of a Pipeline.", reachable.getMessage());
  }

  @Test
  void sourceByAnAddressTheCertificateDoesNotHoldIsUnreachableWithTheReasonAndTheFix() {
    create("by-address", endpoint("127.0.0.1", "server-ca"));
    Condition reachable = condition(awaitSourceReachable("by-address", "False"), "SourceReachable");
    assertEquals("TlsHostMismatch", reachable.getReason(), reachable.getMessage());
    assertEquals("The source PostgreSQL server at 127.0.0.1:" + server.port() + " presented a TLS certificate that is not"
        + " issued for host name '127.0.0.1' (sslMode verify-full checks the name). Fix: Set source.host to a name the"
        + " server's certificate holds (a subject alternative name), or have the certificate reissued to include"
        + " '127.0.0.1'.", reachable.getMessage());
  }

  private static void create(String name, PostgresEndpoint source) {
    admin.resource(Resources.pipeline(NS, name, source, "pub", "verified", SlotReclaimPolicy.Delete)).create();
  }

  private static Pipeline awaitSourceReachable(String name, String status) {
    return await(name + ": SourceReachable=" + status, () -> {
      Pipeline p = Resources.get(admin, NS, name);
      return Resources.conditionIs(p, "SourceReachable", status, null) ? p : null;
    }, () -> describe(Resources.get(admin, NS, name)));
  }

  private static Condition awaitDestination(String name, String status) {
    return await("Destination " + name + " Ready=" + status, () -> {
      Destination d = admin.resources(Destination.class).inNamespace(NS).withName(name).get();
      return d == null || d.getStatus() == null ? null : d.getStatus().conditions.stream()
          .filter(c -> c.getType().equals("Ready") && c.getStatus().equals(status)).findFirst().orElse(null);
    });
  }
}
