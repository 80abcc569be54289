package io.etl.replicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.BatchConfig;
import io.etl.core.config.BigQueryConfig;
import io.etl.core.config.BigQueryEndpoints;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.HeartbeatConfig;
import io.etl.core.config.LogConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineConfigYaml;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.ReplicationConfig;
import io.etl.core.config.ResyncRequest;
import io.etl.core.config.RetryConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.config.TableSyncConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String VALID =
      """
      pipeline:
        id: orders
        publication: orders_pub
      source:
        host: localhost
        port: 5432
        database: shop
        user: replicator
        password:
          env: SOURCE_PASSWORD
      destination:
        type: memory
      """;

  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void whatPipelineConfigYamlWritesTheLoaderReadsBackAsAnEqualRecord() {
    // what the operator writes into the ConfigMap, a setting in every block
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("orders", "orders_pub")
        .source(new PostgresConnectionConfig("db", 5432, "shop", "etl", new SecretRef("ETL_SOURCE_PASSWORD", null), null,
            "/etc/etl/secrets/source-ca/ca.crt"))
        .destination(new DestinationConfig("bigquery", null,
            BigQueryConfig.builder().projectId("acme-analytics").datasetId("shop").location("EU")
                .maxStalenessMinutes(5).createDataset(true).credentials(new SecretRef(null, "/etc/etl/key.json")).build()))
        .batch(BatchConfig.builder().maxEvents(1_000_000).maxFillMs(250).build())
        .tableSync(TableSyncConfig.builder().maxWorkers(8).rangesPerTable(16).build())
        .retry(new RetryConfig(200L, 60_000L, null))
        .heartbeat(new HeartbeatConfig(3_600_000L))
        .log(new LogConfig("debug", "json"))
        .replication(new ReplicationConfig(null, "/tmp/etl-spool"))
        .build();
    assertEquals(config, loader.parse(PipelineConfigYaml.write(config), "configmap.yaml"));
  }

  @Test
  void maxEventsAboveTheCoresCapIsOneLineNamingTheFieldAndTheRange() {
    assertEquals("etl: config file p.yaml is invalid: batch.maxEvents must be between 1 and 1000000, got 1000001."
        + " Fix: correct that field in p.yaml.", failure(VALID + "batch:\n  maxEvents: 1000001\n"));
  }

  private String failure(String yaml) {
    return assertThrows(InvalidConfigException.class, () -> loader.parse(yaml, "p.yaml")).line();
  }

  @Test
  void minimalValidConfigGetsDefaults() {
    PipelineConfig config = loader.parse(VALID, "p.yaml");
    assertEquals("orders", config.pipeline().id());
    assertEquals(new SecretRef("SOURCE_PASSWORD", null), config.source().password());
    assertEquals("require", config.source().sslMode());
    assertEquals(9187, config.http().port());
    assertEquals(10_000, config.batch().maxEvents());
    assertEquals(32L * 1024 * 1024, config.batch().queueMaxBytes());
    assertTrue(config.replication().streaming());
    assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "etl-spool").toString(), config.replication().spoolDirectory());
    assertEquals("info", config.log().level());
    assertEquals(10_000L, config.heartbeat().intervalMs());
    assertTrue(config.heartbeat().enabled());
  }

  @Test
  void sslModeDefaultsToVerifyFullWithACaAndToRequireWithout() {
    assertEquals("require", loader.parse(VALID, "p.yaml").source().sslMode());
    assertEquals("verify-full",
        loader.parse(VALID.replace("  user: replicator", "  user: replicator\n  sslRootCert: /etc/etl/ca.crt"), "p.yaml")
            .source().sslMode());
    // a mode written down is kept, the weak ones too
    assertEquals("prefer", loader.parse(VALID.replace("  user: replicator", "  user: replicator\n  sslMode: prefer"), "p.yaml")
        .source().sslMode());
    assertEquals("verify-ca", loader.parse(VALID.replace("  user: replicator",
        "  user: replicator\n  sslMode: verify-ca\n  sslRootCert: /etc/etl/ca.crt"), "p.yaml").source().sslMode());
    assertEquals("require", loader.parse(VALID.replace("type: memory",
        "type: postgres\n  postgres: {host: dw, database: dw, user: u}"), "p.yaml").destination().postgres().sslMode());
  }

  @Test
  void resyncRequestsAreReadAndABadOneIsOneLineNamingTheEntry() {
    assertEquals(List.of(new ResyncRequest("public.orders", "2026-12-02-orders")), loader.parse(VALID
        + "resync:\n- table: public.orders\n  requestId: 2026-12-02-orders\n", "p.yaml").resync());
    assertEquals(
        "etl: config file p.yaml is invalid: resync[0].table must be schema.table (PostgreSQL names), got 'orders'."
            + " Fix: correct that field in p.yaml.",
        failure(VALID + "resync:\n- table: orders\n  requestId: orders-1\n"));
  }

  @Test
  void heartbeatIsOffAtZeroAndRefusesTinyIntervals() {
    assertFalse(loader.parse(VALID + "heartbeat:\n  intervalMs: 0\n", "p.yaml").heartbeat().enabled());
    assertEquals(250L, loader.parse(VALID + "heartbeat:\n  intervalMs: 250\n", "p.yaml").heartbeat().intervalMs());
    assertEquals(
        "etl: config file p.yaml is invalid: heartbeat.intervalMs must be 0 (off) or at least 100, got 5."
            + " Fix: correct that field in p.yaml.",
        failure(VALID + "heartbeat:\n  intervalMs: 5\n"));
  }

  @Test
  void shippedExampleIsValidAndUsesEveryBlock() throws IOException {
    String example;
    try (InputStream in = getClass().getResourceAsStream("/examples/pipeline.yaml")) {
      example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PipelineConfig config = loader.parse(example, "pipeline.yaml");
    assertEquals("postgres", config.destination().type());
    assertEquals(new SecretRef("DESTINATION_PASSWORD", null), config.destination().postgres().password());
    assertEquals("verify-full", config.source().sslMode());
    assertEquals("/etc/etl/ca.crt", config.source().sslRootCert());
    assertEquals("require", config.destination().postgres().sslMode());
    assertEquals(2.0, config.retry().multiplier());
    assertEquals("postgres", config.stateStore().type());
    assertEquals("text", config.log().format());
    assertEquals("/tmp/etl-spool", config.replication().spoolDirectory());
    assertTrue(config.replication().streaming());
    assertEquals(10_000L, config.heartbeat().intervalMs());
  }

  private static final String SYNTAX_FIX =
      " Fix: correct the YAML syntax there (indent with spaces, not tabs; put a space after each ':';"
          + " quote values that contain ': ' or ' #').";

  @Test
  void malformedYamlNamesLineColumnAndProblem() {
    assertEquals(
        "etl: config file p.yaml is not valid YAML at line 2, column 13: mapping values are not allowed here." + SYNTAX_FIX,
        failure("pipeline:\n  id: orders: x\n"));
    assertEquals(
        "etl: config file p.yaml is not valid YAML at line 4, column 2: expected <block end>, but found"
            + " '<block mapping start>'." + SYNTAX_FIX,
        failure("pipeline:\n  id: orders\n  publication: x\n source: 1\n"));
    assertEquals(
        "etl: config file p.yaml is not valid YAML at line 3, column 1: found unexpected end of stream." + SYNTAX_FIX,
        failure("pipeline:\n  id: \"orders\n"));
  }

  @Test
  void unknownKeyNamesKeyLineAndKnownKeys() {
    assertEquals(
        "etl: unknown key 'source.hots' at line 5 in p.yaml (known keys: host, port, database, user, password, sslMode, sslRootCert)."
            + " Fix: remove or correct it.",
        failure(VALID.replace("  host: localhost", "  hots: localhost")));
    assertEquals(
        "etl: unknown key 'replicas' at line 13 in p.yaml (known keys: pipeline, source, destination, batch, tableSync,"
            + " retry, stateStore, http, log, replication, heartbeat, resync). Fix: remove or correct it.",
        failure(VALID + "replicas: 2\n"));
  }

  @Test
  void duplicateKeyIsAnError() {
    assertEquals(
        "etl: duplicate key 'pipeline' at line 13 in p.yaml. Fix: keep only one of them.",
        failure(VALID + "pipeline:\n  id: other\n"));
  }

  @Test
  void wrongTypeNamesFieldExpectedTypeAndValue() {
    assertEquals(
        "etl: wrong type for 'source.port' at line 6 in p.yaml: expected a whole number, got 'fivefourthreetwo'."
            + " Fix: change 'source.port' to a whole number.",
        failure(VALID.replace("port: 5432", "port: fivefourthreetwo")));
    assertEquals(
        "etl: wrong type for 'batch.maxEvents' at line 14 in p.yaml: expected a whole number, got '1.5'."
            + " Fix: change 'batch.maxEvents' to a whole number.",
        failure(VALID + "batch:\n  maxEvents: 1.5\n"));
    assertEquals(
        "etl: wrong type for 'source.host' at line 5 in p.yaml: expected a text value, got a mapping."
            + " Fix: change 'source.host' to a text value.",
        failure(VALID.replace("  host: localhost", "  host: {name: localhost}")));
    assertEquals(
        "etl: wrong type for 'destination' at line 11 in p.yaml: expected a mapping with the keys type, postgres,"
            + " bigquery, unmatchedChanges, got 'memory'. Fix: change 'destination' to a mapping with the keys type,"
            + " postgres, bigquery, unmatchedChanges.",
        failure(VALID.replace("destination:\n  type: memory", "destination: memory")));
    assertEquals(
        "etl: wrong type for the top level at line 1 in p.yaml: expected a mapping with the keys pipeline, source,"
            + " destination, batch, tableSync, retry, stateStore, http, log, replication, heartbeat, resync, got 'just text'. Fix: change the"
            + " top level to a mapping with the keys pipeline, source, destination, batch, tableSync, retry, stateStore,"
            + " http, log, replication, heartbeat, resync.",
        failure("just text\n"));
  }

  @Test
  void emptyFileAndSecondDocumentAreErrors() {
    String empty =
        "etl: config file p.yaml is empty. Fix: write the pipeline configuration into it, starting from the example"
            + " in replicator-image/src/main/resources/examples/pipeline.yaml.";
    assertEquals(empty, failure(""));
    assertEquals(empty, failure("# only a comment\n"));
    assertEquals(
        "etl: config file p.yaml holds a second YAML document at line 14."
            + " Fix: keep one document: remove the '---' separator and what follows.",
        failure(VALID + "---\nfoo: 1\n"));
  }

  @Test
  void missingRequiredBlockIsNamed() {
    assertEquals(
        "etl: config file p.yaml is invalid: destination (type and its block) is required."
            + " Fix: correct that field in p.yaml.",
        failure(VALID.replace("destination:\n  type: memory\n", "")));
    assertEquals(
        "etl: config file p.yaml is invalid: destination.postgres is required when destination.type is postgres."
            + " Fix: correct that field in p.yaml.",
        failure(VALID.replace("type: memory", "type: postgres")));
  }

  @Test
  void bigQueryBlockCarriesTheFieldsTheOperatorRenders() {
    PipelineConfig config = loader.parse(VALID.replace("destination:\n  type: memory\n",
        "destination: {type: bigquery, bigquery: {projectId: my-project, datasetId: shop_replica, location: US,"
            + " maxStalenessMinutes: 5, createDataset: true, credentials: {file: /var/run/secrets/etl/bigquery/key.json}}}\n"),
        "p.yaml");
    assertEquals(
        BigQueryConfig.builder().projectId("my-project").datasetId("shop_replica").location("US").maxStalenessMinutes(5)
            .createDataset(true).credentials(new SecretRef(null, "/var/run/secrets/etl/bigquery/key.json")).build(),
        config.destination().bigquery());
  }

  @Test
  void readmeBigQueryExampleIsValid() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int marker = readme.indexOf("<!-- bigquery-example");
    assertTrue(marker >= 0, "README.md has no BigQuery example block");
    int start = readme.indexOf("```yaml\n", marker) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));
    BigQueryConfig bigquery = loader.parse(yaml, "README.md").destination().bigquery();
    assertEquals(BigQueryConfig.builder().projectId("my-project").datasetId("shop_replica").location("US")
        .createDataset(true).credentials(new SecretRef(null, "/var/run/secrets/etl/bigquery/key.json")).build(), bigquery);
  }

  @Test
  void readmeBigQueryEmulatorExampleIsValid() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int marker = readme.indexOf("<!-- bigquery-emulator-example");
    assertTrue(marker >= 0, "README.md has no BigQuery emulator example block");
    int start = readme.indexOf("```yaml\n", marker) + "```yaml\n".length();
    String block = readme.substring(start, readme.indexOf("```", start));
    BigQueryConfig bigquery = loader.parse(VALID.replace("destination:\n  type: memory\n", block), "README.md")
        .destination().bigquery();
    assertEquals(new BigQueryEndpoints("http://localhost:9050", "http://localhost:9060"), bigquery.endpoints());
    assertTrue(bigquery.endpoints().plaintext());
    assertEquals("localhost:9060", bigquery.endpoints().storageHostAndPort());
  }

  @Test
  void bigQueryEndpointsAreUrlsOfOneSchemeAndPlainHttpCarriesNoCredentials() {
    String bigquery = "type: bigquery\n  bigquery: {projectId: my-project, datasetId: d, ";
    assertEquals(
        "etl: config file p.yaml is invalid: destination.bigquery.endpoints.api must be http://host:port or"
            + " https://host[:port] with nothing after the port, got 'http://localhost:9050/bigquery';"
            + " destination.bigquery.endpoints.storage is required with endpoints (http://host:port or"
            + " https://host[:port]). Fix: correct those fields in p.yaml.",
        failure(VALID.replace("type: memory", bigquery + "endpoints: {api: 'http://localhost:9050/bigquery'}}")));
    assertEquals(
        "etl: config file p.yaml is invalid: destination.bigquery.endpoints are plain http, which never carries"
            + " credentials: leave out the credentials, or use https endpoints. Fix: correct that field in p.yaml.",
        failure(VALID.replace("type: memory", bigquery + "credentials: {env: KEY}, endpoints: {api: 'http://e:9050',"
            + " storage: 'http://e:9060'}}")));
    assertEquals(
        "etl: config file p.yaml is invalid: destination.bigquery.endpoints.api and destination.bigquery.endpoints.storage"
            + " must both be http (an emulator, no credentials) or both https, got https and http. Fix: correct that"
            + " field in p.yaml.",
        failure(VALID.replace("type: memory", bigquery + "endpoints: {api: 'https://bq.example', storage: 'http://e:9060'}}")));
    BigQueryEndpoints psc = loader.parse(VALID.replace("type: memory", bigquery + "endpoints: {api:"
        + " 'https://bigquery-psc.p.googleapis.com', storage: 'https://bigquerystorage-psc.p.googleapis.com'}}"), "p.yaml")
        .destination().bigquery().endpoints();
    assertFalse(psc.plaintext());
    assertEquals("bigquerystorage-psc.p.googleapis.com:443", psc.storageHostAndPort());
  }

  @Test
  void bigQueryBlockDefaultsToFifteenMinutesAndApplicationDefaultCredentials() {
    BigQueryConfig bigquery = loader.parse(VALID.replace("type: memory",
        "type: bigquery\n  bigquery:\n    projectId: my-project\n    datasetId: d"), "p.yaml").destination().bigquery();
    assertEquals(15, bigquery.maxStalenessMinutes());
    assertFalse(bigquery.createDataset());
    assertEquals(null, bigquery.credentials());
  }

  @Test
  void invalidBigQueryFieldsAreNamed() {
    assertEquals(
        "etl: config file p.yaml is invalid: destination.bigquery is required when destination.type is bigquery."
            + " Fix: correct that field in p.yaml.",
        failure(VALID.replace("type: memory", "type: bigquery")));
    assertEquals(
        "etl: config file p.yaml is invalid: destination.bigquery.datasetId may hold only letters, digits and"
            + " underscores, got 'shop-replica'; destination.bigquery.location is required when"
            + " destination.bigquery.createDataset is true; destination.bigquery.maxStalenessMinutes must be between 0"
            + " and 1440, got -1. Fix: correct those fields in p.yaml.",
        failure(VALID.replace("type: memory", "type: bigquery\n  bigquery: {projectId: my-project, datasetId:"
            + " shop-replica, createDataset: true, maxStalenessMinutes: -1}")));
  }

  @Test
  void everyInvalidValueIsReportedInOneLine() {
    String line =
        failure(VALID.replace("id: orders", "id: Orders-1").replace("port: 5432", "port: 70000") + "log:\n  level: loud\n");
    assertEquals(
        "etl: config file p.yaml is invalid: pipeline.id must be 1-40 lower-case letters, digits or underscores (it"
            + " becomes part of replication slot names), got 'Orders-1'; source.port must be between 1 and 65535, got"
            + " 70000; log.level must be one of [trace, debug, info, warn, error], got 'loud'."
            + " Fix: correct those fields in p.yaml.",
        line);
    assertTrue(line.lines().count() == 1, line);
  }

  @Test
  void passwordNamingBothEnvAndFileIsInvalid() {
    assertEquals(
        "etl: config file p.yaml is invalid: source.password must name exactly one of 'env' (an environment variable)"
            + " or 'file' (a path). Fix: correct that field in p.yaml.",
        failure(VALID.replace("    env: SOURCE_PASSWORD", "    env: SOURCE_PASSWORD\n    file: /run/pw")));
  }

  @Test
  void hostThatIsNotANameOrAnAddressIsRefusedNamingTheField() {
    // each of these would have become part of the JDBC URL: a path, options, a second host, a port
    for (String host : List.of("db/x?sslmode=disable&", "db?sslmode=disable", "db:5432", "db,evil", "db x", "-db",
        "db..example", "[::1]", "db#frag", "::1%eth0")) {
      assertEquals(
          "etl: config file p.yaml is invalid: source.host must be a DNS name or an IP address (the port goes in"
              + " source.port; no path or options), got '" + host + "'. Fix: correct that field in p.yaml.",
          failure(VALID.replace("host: localhost", "host: \"" + host + "\"")), host);
    }
    assertEquals(
        "etl: config file p.yaml is invalid: destination.postgres.host must be a DNS name or an IP address (the port"
            + " goes in destination.postgres.port; no path or options), got 'dw/x?ssl=false'."
            + " Fix: correct that field in p.yaml.",
        failure(VALID.replace("type: memory", "type: postgres\n  postgres: {host: \"dw/x?ssl=false\", database: dw,"
            + " user: u}")));
  }

  @Test
  void hostNamesAndAddressesAreAccepted() {
    for (String host : List.of("localhost", "db.example.internal", "shop-postgres.etl-demo.svc.cluster.local.",
        "compose_db", "10.0.0.5", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1")) {
      assertEquals(host, loader.parse(VALID.replace("host: localhost", "host: \"" + host + "\""), "p.yaml").source().host());
    }
  }

  @Test
  void publicationThatIsNotAPlainNameIsRefused() {
    // the publication travels inside START_REPLICATION's options, where pgjdbc does not escape quotes
    for (String publication : List.of("p', \"streaming\" 'on", "orders-pub", "1pub", "pub name", "a".repeat(64))) {
      assertEquals(
          "etl: config file p.yaml is invalid: pipeline.publication must be a PostgreSQL name (a letter or _, then up to"
              + " 62 letters, digits, _ or $), got '" + publication + "'. Fix: correct that field in p.yaml.",
          failure(VALID.replace("publication: orders_pub", "publication: \"" + publication.replace("\"", "\\\"") + "\"")),
          publication);
    }
    assertEquals("Orders_Pub$2", loader.parse(VALID.replace("orders_pub", "Orders_Pub$2"), "p.yaml").pipeline().publication());
  }

  // distinctive, so finding it anywhere can only mean it was echoed
  private static final String SECRET = "hunter2-Zx81";
  private static final String INLINE_PASSWORD = VALID.replace("  password:\n    env: SOURCE_PASSWORD", "  password: " + SECRET);

  @Test
  void passwordWrittenInlineIsRefusedWithoutEchoingIt() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.parse(INLINE_PASSWORD, "p.yaml"));
    assertEquals(
        "etl: wrong type for 'source.password' at line 9 in p.yaml: expected a mapping with the keys env, file, got a"
            + " text value (not shown: it is a secret). Fix: put the secret into an environment variable or a file and"
            + " name that here, e.g. 'source.password: {env: NAME}' or 'source.password: {file: /path}'.",
        e.line());
    assertSecretNowhereIn(e);
  }

  @Test
  void noShapeOfAValueGivenForASecretKeyIsEchoed() {
    String bigquery = "type: bigquery\n  bigquery:\n    projectId: my-project\n    datasetId: d\n    credentials: ";
    for (String yaml : List.of(
        VALID.replace("  password:\n    env: SOURCE_PASSWORD", "  password: \"" + SECRET + "\""),
        VALID.replace("  password:\n    env: SOURCE_PASSWORD", "  password: [" + SECRET + "]"),
        VALID.replace("  password:\n    env: SOURCE_PASSWORD", "  password: 918273645"),
        VALID.replace("    env: SOURCE_PASSWORD", "    env: [" + SECRET + "]"),
        VALID.replace("    env: SOURCE_PASSWORD", "    env: {" + SECRET + ": x}"),
        VALID.replace("    env: SOURCE_PASSWORD", "    " + SECRET + ": x"),
        VALID.replace("    env: SOURCE_PASSWORD", "    env: " + SECRET + ": x"),
        VALID.replace("type: memory", "type: postgres\n  postgres: {host: dw, database: dw, user: u, password: " + SECRET + "}"),
        VALID.replace("type: memory", bigquery + "'{\"type\": \"service_account\", \"private_key\": \"" + SECRET + "\"}'"))) {
      String input = yaml;
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.parse(input, "p.yaml"), input);
      assertSecretNowhereIn(e);
    }
  }

  @Test
  void secretKeysAreFoundFromTheConfigRecords() {
    for (String key : List.of("source.password", "destination.postgres.password", "destination.bigquery.credentials",
        "source.password.env")) {
      assertTrue(SecretKeys.within(List.of(key.split("\\."))), key);
    }
    for (String key : List.of("source", "source.user", "source.sslRootCert", "destination.bigquery.projectId", "nope.x")) {
      assertFalse(SecretKeys.within(List.of(key.split("\\."))), key);
    }
  }

  /** Neither the line nor anything a debug log of the failure would print (messages of the whole cause chain). */
  private static void assertSecretNowhereIn(InvalidConfigException e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains(SECRET), trace.toString());
    assertFalse(trace.toString().contains("918273645"), trace.toString());
  }

  @Test
  void missingOrUnreadableFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope.yaml");
    assertEquals(
        "etl: config file " + missing + " does not exist."
            + " Fix: pass the path of an existing pipeline YAML as the first argument or in ETL_CONFIG.",
        assertThrows(InvalidConfigException.class, () -> loader.load(missing)).line());
    assertEquals(
        "etl: config file " + dir + " cannot be read (IOException). Fix: make the file readable by the replicator's user.",
        assertThrows(InvalidConfigException.class, () -> loader.load(dir)).line());
    Path file = Files.writeString(dir.resolve("p.yaml"), VALID);
    assertEquals("orders", loader.load(file).pipeline().id());
  }
}
