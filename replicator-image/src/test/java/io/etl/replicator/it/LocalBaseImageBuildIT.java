package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.etl.core.testing.DocumentedCommands;
import io.etl.core.testing.NestedMaven;
import io.etl.core.testing.OciImageTar;
import io.etl.core.testing.ShellCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * replicator-image/README.md's image build without a registry, exactly as written, in the
 * repository's root: the local jlink base, then {@code -Pjib} on it. (With the default base,
 * {@code eclipse-temurin:17-jre}, the same build needs a registry, which this machine has not.)
 */
class LocalBaseImageBuildIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final DocumentedCommands README = DocumentedCommands.of(ROOT.resolve("replicator-image/README.md"));
  private static final Path IMAGE = ROOT.resolve("replicator-image/target/jib-image.tar");

  @Test
  void baseImageScriptThenJibProfileWriteTheImage() throws Exception {
    String base = README.under("## Container image (Jib)", "replicator-image/build-base-image.sh");
    String jib = README.under("## Container image (Jib)", "./mvnw -pl replicator-image -am package -Pjib -DskipTests -Djib.from.image=");
    FileTime before = Files.exists(IMAGE) ? Files.getLastModifiedTime(IMAGE) : FileTime.fromMillis(0);
    for (String command : List.of(base, jib)) {
      Path log = Path.of("target", "readme-commands", "image-build.log").toAbsolutePath();
      assertEquals(0, ShellCommand.run(command, ROOT, NestedMaven.environment(), log, Duration.ofMinutes(10)),
          command + "\n" + Files.readString(log));
    }
    assertTrue(Files.getLastModifiedTime(IMAGE).compareTo(before) > 0, "the -Pjib build wrote " + IMAGE);
    JsonNode config = OciImageTar.config(IMAGE);
    List<String> entrypoint = OciImageTar.strings(config.get("Entrypoint"));
    assertEquals(List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "@/app/jib-classpath-file",
        "io.etl.replicator.Main"), entrypoint);
    assertTrue(OciImageTar.strings(config.get("Env")).contains("MALLOC_ARENA_MAX=2"), config.get("Env").toString());
    assertEquals("65532:65532", config.get("User").asText());
  }
}
