package io.etl.replicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the image Jib wrote to target/jib-image.tar (OCI layout). Building it needs the {@code
 * jib} profile (see README), so without it this test is skipped and says so.
 */
class JibImageTest {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");

  @Test
  void imageRunsTheReplicatorAsNonRootAndExposesTheMetricsPort() throws IOException {
    assumeTrue(
        Files.isRegularFile(IMAGE),
        "skipped: " + IMAGE.toAbsolutePath() + " not built; the module's test build makes it before this test runs"
            + " (process-test-classes), so this runs only when the test is started another way, e.g. from an IDE");
    Map<String, byte[]> files = smallEntries(IMAGE);
    ObjectMapper json = new ObjectMapper();

    JsonNode index = json.readTree(files.get("index.json"));
    JsonNode manifestRef = index.get("manifests").get(0);
    assertEquals("application/vnd.oci.image.manifest.v1+json", manifestRef.get("mediaType").asText(), "OCI format");
    JsonNode manifest = json.readTree(blob(files, manifestRef.get("digest").asText()));
    JsonNode config = json.readTree(blob(files, manifest.get("config").get("digest").asText())).get("config");

    assertEquals("65532:65532", config.get("User").asText());
    assertTrue(config.get("ExposedPorts").has("9187/tcp"), config.toString());
    List<String> entrypoint = json.convertValue(config.get("Entrypoint"), json.getTypeFactory().constructCollectionType(List.class, String.class));
    assertEquals("io.etl.replicator.Main", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertTrue(
        json.convertValue(config.get("Env"), List.class).stream().anyMatch(e -> e.toString().startsWith("PATH=/opt/java/openjdk/bin")),
        "java on the PATH: " + config.get("Env"));
  }

  private static byte[] blob(Map<String, byte[]> files, String digest) {
    byte[] content = files.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertTrue(content != null, "blob " + digest + " in the tar");
    return content;
  }

  /** Entries of a tar up to 1 MiB (index, manifests, configs), by name; layers are skipped. */
  private static Map<String, byte[]> smallEntries(Path tar) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(tar))) {
      byte[] header = new byte[512];
      while (true) {
        try {
          in.readFully(header);
        } catch (EOFException e) {
          break;
        }
        if (header[0] == 0) {
          break; // end-of-archive block
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        String path = (prefix.isEmpty() ? name : prefix + "/" + name).replaceFirst("^\\./", "");
        long padded = (size + 511) / 512 * 512;
        if ((type == '0' || type == 0) && size <= 1 << 20) {
          byte[] content = new byte[(int) size];
          in.readFully(content);
          entries.put(path, content);
          skip(in, padded - size);
        } else {
          skip(in, padded);
        }
      }
    }
    return entries;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        throw new EOFException("tar ends inside an entry");
      }
      left -= skipped;
    }
  }
}
