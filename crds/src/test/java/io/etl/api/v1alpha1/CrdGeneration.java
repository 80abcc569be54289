package io.etl.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the CRDs from the model with fabric8's generator. The generator sorts printer columns
 * by JSON path; kubectl shows them in CRD order, so they are put back in the order the model
 * declares them (READY PHASE TABLES LAG DESTINATION AGE).
 */
final class CrdGeneration {
  static final List<Class<? extends HasMetadata>> RESOURCES = List.of(Pipeline.class, Destination.class);

  private CrdGeneration() {}

  /** File name (e.g. {@code pipelines.etl.io.yaml}) → YAML. */
  static Map<String, String> generate() {
    Map<String, ByteArrayOutputStream> outputs = new TreeMap<>();
    new CRDGenerator()
        .forCRDVersions("v1")
        .withOutput(new CRDGenerator.CRDOutput<ByteArrayOutputStream>() {
          @Override
          public ByteArrayOutputStream outputFor(String crdName) {
            return outputs.computeIfAbsent(crdName, n -> new ByteArrayOutputStream());
          }

          @Override
          public void close() {}
        })
        .withPostProcessor(new CRDPostProcessor())
        .customResourceClasses(RESOURCES)
        .generate();
    Map<String, String> files = new TreeMap<>();
    outputs.forEach((name, bytes) -> files.put(fileName(name), bytes.toString(StandardCharsets.UTF_8)));
    return files;
  }

  private static String fileName(String generatorName) {
    // the generator names outputs <plural>.<group>-<crd version>
    return generatorName.replaceFirst("-v1$", "") + ".yaml";
  }

  private static final class CRDPostProcessor implements io.fabric8.crdv2.generator.CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
      CustomResourceDefinition crd = (CustomResourceDefinition) resource;
      Class<?> model = RESOURCES.stream()
          .filter(c -> crd.getSpec().getNames().getKind().equals(c.getSimpleName()))
          .findFirst()
          .orElseThrow();
      List<String> declared = Arrays.stream(model.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
      crd.getSpec().getVersions().forEach(version -> version.getAdditionalPrinterColumns()
          .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
      return crd;
    }
  }
}
