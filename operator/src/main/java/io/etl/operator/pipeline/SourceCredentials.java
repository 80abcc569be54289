package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.api.v1alpha1.PostgresEndpoint;
import io.etl.operator.support.SecretReader;

/** The source's password and CA certificate, read from the Secrets the Pipeline names; null when it names none. */
record SourceCredentials(String password, String caPem) {

  static SourceCredentials read(SecretReader secrets, Pipeline pipeline) throws SecretReader.SecretProblem {
    String namespace = pipeline.getMetadata().getNamespace();
    PostgresEndpoint source = pipeline.getSpec().source;
    return new SourceCredentials(
        source.passwordSecretRef == null ? null
            : secrets.read(namespace, source.passwordSecretRef, "spec.source.passwordSecretRef"),
        source.caSecretRef == null ? null : secrets.read(namespace, source.caSecretRef, "spec.source.caSecretRef"));
  }

  /** Says which values are present, never what they are: a log line or an assertion message may print this. */
  @Override
  public String toString() {
    return "SourceCredentials[password=" + PipelineInputs.redacted(password) + ", caPem=" + PipelineInputs.redacted(caPem) + "]";
  }
}
