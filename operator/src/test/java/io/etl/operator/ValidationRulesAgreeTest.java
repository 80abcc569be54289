package io.etl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.api.v1alpha1.PipelineSpec;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.api.v1alpha1.TableResync;
import io.etl.core.config.PipelineSettings;
import io.etl.core.config.ResyncRequest;
import io.etl.core.config.ServerHost;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD (what the API server refuses) and etl-core's config model (what the replicator refuses)
 * hold the same rules for host and publication, so a Pipeline the API server accepts renders a
 * config the replicator accepts. Here because the operator is the one module that sees both.
 */
class ValidationRulesAgreeTest {
  private static final List<String> HOSTS = List.of("localhost", "db.example.internal", "compose_db", "10.0.0.5",
      "shop-postgres.etl-demo.svc.cluster.local.", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1",
      "db/x?sslmode=disable&", "db:5432", "db,evil", "db x", "-db", "db..example", "[::1]", "::1%eth0", "");

  @Test
  void hostNamePatternIsTheSameInTheCrdAndTheConfigModel() {
    assertEquals(ServerHost.DNS_NAME, PostgresEndpoint.HOST_NAME);
  }

  @Test
  void crdHostRuleLetsThroughEveryHostTheReplicatorAccepts() {
    for (String host : HOSTS) {
      boolean crd = host.matches(PostgresEndpoint.HOST_NAME) || host.matches(PostgresEndpoint.IPV6);
      if (ServerHost.isValid(host)) {
        assertTrue(crd, "the CRD refuses a host the replicator accepts: " + host);
      } else if (!host.contains(":")) {
        // outside IPv6 the two rules are one regex; IPv6 literals only the replicator parses exactly
        assertFalse(crd, "the CRD accepts a host the replicator refuses: " + host);
      }
    }
  }

  @Test
  void publicationPatternIsTheSameInTheCrdAndTheConfigModel() throws NoSuchFieldException {
    String crd = PipelineSpec.class.getField("publication").getAnnotation(Pattern.class).value();
    assertEquals("^" + PipelineSettings.PUBLICATION.pattern() + "$", crd);
  }

  @Test
  void resyncRulesAreTheSameInTheCrdAndTheConfigModel() throws NoSuchFieldException {
    assertEquals("^" + ResyncRequest.TABLE.pattern() + "$", TableResync.class.getField("table").getAnnotation(Pattern.class).value());
    assertEquals("^" + ResyncRequest.REQUEST_ID.pattern() + "$",
        TableResync.class.getField("requestId").getAnnotation(Pattern.class).value());
    assertEquals(ResyncRequest.MAX_REQUESTS, PipelineSpec.MAX_RESYNC_REQUESTS);
  }
}
