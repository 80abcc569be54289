package io.etl.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands scenarios their {@link E2eEnvironment}: started on first use for the kind the concrete
 * class names with {@link OnCluster}, kept in the root store so every class of the run shares it,
 * and closed when the run ends (a JVM shutdown hook of the cluster covers a run that is stopped).
 */
public final class E2eExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(E2eExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == E2eEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    OnCluster on = testClass.getAnnotation(OnCluster.class);
    if (on == null) {
      throw new IllegalStateException(testClass.getName() + " names no cluster: annotate it with @OnCluster");
    }
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(on.value(), E2eEnvironment::start, E2eEnvironment.class);
  }
}
