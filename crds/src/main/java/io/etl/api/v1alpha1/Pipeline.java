package io.etl.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One CDC pipeline: a publication of a source database streamed to a Destination by one replicator pod. */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames("pl")
@Categories("etl")
@ValidationRule(
    value = "has(self.spec.pipelineId) || self.metadata.name.matches('^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$')",
    message = "metadata.name becomes the pipeline id in replication slot names, so it must be at most 40 characters of"
        + " a-z, 0-9 and -; choose a shorter name or set spec.pipelineId")
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "TABLES", jsonPath = ".status.tables.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "LAG", jsonPath = ".status.slot.lag", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "DESTINATION", jsonPath = ".spec.destinationRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "SLOT", jsonPath = ".status.slot.name", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "WAL", jsonPath = ".status.slot.walStatus", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "REASON", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class Pipeline extends CustomResource<PipelineSpec, PipelineStatus> implements Namespaced {
  @Override
  protected PipelineStatus initStatus() {
    return new PipelineStatus();
  }

  /** The id that names this pipeline's slots and state: spec.pipelineId, else the name with - as _. */
  public String pipelineId() {
    PipelineSpec spec = getSpec();
    if (spec != null && spec.pipelineId != null) {
      return spec.pipelineId;
    }
    return getMetadata().getName().replace('-', '_');
  }
}
