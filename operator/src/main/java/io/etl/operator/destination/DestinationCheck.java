package io.etl.operator.destination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.api.v1alpha1.Destination;
import io.etl.api.v1alpha1.DestinationType;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.core.error.EtlException;
import io.etl.operator.support.PostgresAccess;
import io.etl.operator.support.Reasons;
import io.etl.operator.support.SecretReader;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real connectivity and permission check behind a Destination's Ready condition: for
 * PostgreSQL, connect with the Destination's credentials and check that the server accepts
 * writes and the role may create schemas and tables there.
 */
final class DestinationCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The outcome: ready or not, a CamelCase reason and a message naming the problem and the fix. */
  record Result(boolean ready, String reason, String message) {}

  private final SecretReader secrets;

  DestinationCheck(SecretReader secrets) {
    this.secrets = secrets;
  }

  Result check(Destination destination) {
    String namespace = destination.getMetadata().getNamespace();
    try {
      if (destination.getSpec().type == DestinationType.POSTGRES) {
        return checkPostgres(namespace, destination.getSpec().postgres);
      }
      return checkBigQuery(namespace, destination);
    } catch (SecretReader.SecretProblem e) {
      return new Result(false, e.reason(), e.getMessage());
    }
  }

  private Result checkPostgres(String namespace, PostgresEndpoint endpoint) throws SecretReader.SecretProblem {
    String password = endpoint.passwordSecretRef == null ? null
        : secrets.read(namespace, endpoint.passwordSecretRef, "spec.postgres.passwordSecretRef");
    String ca = endpoint.caSecretRef == null ? null : secrets.read(namespace, endpoint.caSecretRef, "spec.postgres.caSecretRef");
    try (PostgresAccess access = PostgresAccess.open("destination", endpoint, password, ca);
        Statement s = access.connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), has_database_privilege(current_database(), 'CREATE'),"
            + " current_setting('default_transaction_read_only')")) {
      rs.next();
      if (rs.getBoolean(1) || "on".equals(rs.getString(3))) {
        return new Result(false, "ReadOnly", "the server at " + endpoint.host + " accepts no writes (a standby or"
            + " default_transaction_read_only): point spec.postgres.host at the primary");
      }
      if (!rs.getBoolean(2)) {
        return new Result(false, "PermissionDenied", "role " + endpoint.user + " may not create schemas in database "
            + endpoint.database + ", which the destination needs for its tables: GRANT CREATE ON DATABASE "
            + endpoint.database + " TO " + endpoint.user);
      }
      return new Result(true, "Connected", "connected as " + endpoint.user + " to " + endpoint.host + ":"
          + endpoint.portOrDefault() + "/" + endpoint.database + "; the role may create schemas and tables");
    } catch (EtlException e) {
      return new Result(false, Reasons.of(e), Reasons.message(e));
    } catch (SQLException e) {
      return new Result(false, "CheckFailed", "the permission check failed: " + e.getMessage());
    }
  }

  /**
   * The operator carries no Google client; it checks what it can see (the key is there and is a
   * service-account key) and the replicator checks reachability and permissions at start-up.
   */
  private Result checkBigQuery(String namespace, Destination destination) throws SecretReader.SecretProblem {
    var bq = destination.getSpec().bigquery;
    if (bq.credentialsSecretRef == null) {
      return new Result(true, "ApplicationDefaultCredentials", "no key given: the replicator uses Application Default"
          + " Credentials; project " + bq.projectId + " and dataset " + bq.datasetId + " are checked when it starts");
    }
    String key = secrets.read(namespace, bq.credentialsSecretRef, "spec.bigquery.credentialsSecretRef");
    try {
      JsonNode json = JSON.readTree(key);
      if (json == null || !"service_account".equals(json.path("type").asText()) || json.path("private_key").asText().isEmpty()) {
        return new Result(false, "InvalidCredentials", "key '" + bq.credentialsSecretRef.key + "' of Secret "
            + bq.credentialsSecretRef.name + " is not a service-account key (JSON with type service_account and a"
            + " private_key): store the key file downloaded for the service account");
      }
      return new Result(true, "CredentialsPresent", "service-account key for " + json.path("client_email").asText()
          + " present; project " + bq.projectId + " and dataset " + bq.datasetId + " are checked when the replicator starts");
    } catch (java.io.IOException e) {
      return new Result(false, "InvalidCredentials", "key '" + bq.credentialsSecretRef.key + "' of Secret "
          + bq.credentialsSecretRef.name + " is not JSON: store the service-account key file as it was downloaded");
    }
  }
}
