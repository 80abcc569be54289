package io.etl.operator.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etl.api.v1alpha1.PipelineStatus;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Whether a freshly built status says anything the Pipeline's does not: an unchanged one is not
 * written. {@code lastObservedTime} counts only when the source was read for it (then it is the
 * time of that read, written once per read); otherwise it is the build time and says nothing new.
 */
final class StatusChange {
  private StatusChange() {}

  static boolean none(PipelineStatus before, PipelineStatus after, boolean sourceRead) {
    if (before == null) {
      return false;
    }
    var was = Serialization.jsonMapper().valueToTree(before);
    var now = Serialization.jsonMapper().valueToTree(after);
    if (!sourceRead && was instanceof ObjectNode w
        && now instanceof ObjectNode n) {
      w.remove("lastObservedTime");
      n.remove("lastObservedTime");
    }
    return was.equals(now);
  }
}
