package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Settings of the replicator pod the operator runs for the Pipeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicatorPodSpec {
  @JsonPropertyDescription("Replicator image; the operator's default when unset.")
  public String image;

  @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
  @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never.")
  public String imagePullPolicy;

  @JsonPropertyDescription("CPU and memory requests and limits of the replicator container.")
  public ResourceRequirements resources;

  public Map<String, String> nodeSelector;

  public List<Toleration> tolerations;

  public Affinity affinity;

  @JsonPropertyDescription("Priority class of the replicator pod.")
  public String priorityClassName;

  @JsonPropertyDescription("Log level of the replicator: trace, debug, info, warn or error.")
  public LogLevel logLevel;
}
