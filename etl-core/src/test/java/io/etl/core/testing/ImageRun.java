package io.etl.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs an image's entrypoint the way a container runtime would start it, on a machine without
 * one: its filesystem unpacked into a directory ({@link OciImageTar#unpack}), then, in a mount
 * namespace of its own with {@code /proc} and {@code /dev} bound in, {@code chroot} into it as
 * the image's user, with only the image's environment (plus {@code env}) and its entrypoint. So
 * what runs is the image's own JRE, classpath and user; the network is the host's, so the
 * process reaches test servers on localhost. Needs root for chroot and mount.
 */
public final class ImageRun {
  private static final Path CHROOT = Path.of("/usr/sbin/chroot");
  private static final Path UNSHARE = Path.of("/usr/bin/unshare");

  private ImageRun() {}

  /** Null if this machine can run images this way, else why not (for a visible skip). */
  public static String whyNot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "running an image without a container runtime needs root (chroot, mount), and this runs as "
          + System.getProperty("user.name");
    }
    if (!Files.isExecutable(CHROOT) || !Files.isExecutable(UNSHARE)) {
      return "needs " + CHROOT + " and " + UNSHARE + " (Debian: coreutils, util-linux)";
    }
    return null;
  }

  /**
   * Starts the image's entrypoint with {@code args} appended. {@code config} is the image
   * configuration's {@code config} object ({@link OciImageTar#config}).
   */
  public static ShellCommand start(Path rootfs, JsonNode config, List<String> args, Map<String, String> env, Path log)
      throws java.io.IOException {
    Files.createDirectories(rootfs.resolve("proc"));
    Files.createDirectories(rootfs.resolve("dev"));
    List<String> environment = new ArrayList<>(OciImageTar.strings(config.get("Env")));
    env.forEach((name, value) -> environment.add(name + "=" + value));
    List<String> entrypoint = new ArrayList<>(OciImageTar.strings(config.get("Entrypoint")));
    entrypoint.addAll(args);
    String root = quote(rootfs.toAbsolutePath().toString());
    String command = "mount --bind /proc " + root + "/proc && mount --bind /dev " + root + "/dev && exec env -i "
        + quoted(environment) + " " + CHROOT + " --userspec=" + config.get("User").asText() + " " + root + " "
        + quoted(entrypoint);
    return ShellCommand.start(UNSHARE + " --mount bash -c " + quote(command), rootfs, Map.of(), log);
  }

  private static String quoted(List<String> words) {
    return words.stream().map(ImageRun::quote).collect(Collectors.joining(" "));
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }
}
