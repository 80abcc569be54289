package io.etl.api.v1alpha1;

/** Names shared by the API's resources. */
public final class Api {
  public static final String GROUP = "etl.io";
  public static final String VERSION = "v1alpha1";

  private Api() {}
}
