package io.etl.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Reads the image configuration out of an OCI image tarball as Jib's buildTar writes it. */
public final class OciImageTar {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OciImageTar() {}

  /** The {@code config} object of the image's configuration (User, Entrypoint, ExposedPorts, Env, ...). */
  public static JsonNode config(Path tar) throws IOException {
    Map<String, byte[]> files = smallEntries(tar);
    JsonNode index = JSON.readTree(files.get("index.json"));
    JsonNode manifestRef = index.get("manifests").get(0);
    assertEquals("application/vnd.oci.image.manifest.v1+json", manifestRef.get("mediaType").asText(), "OCI format");
    JsonNode manifest = JSON.readTree(blob(files, manifestRef.get("digest").asText()));
    return JSON.readTree(blob(files, manifest.get("config").get("digest").asText())).get("config");
  }

  /**
   * The name the tar gives its image ({@code org.opencontainers.image.ref.name} of the index), e.g.
   * {@code etl/replicator:0.1.0-SNAPSHOT}: what {@code ctr images import} registers it as.
   */
  public static String referenceName(Path tar) throws IOException {
    JsonNode manifest = JSON.readTree(smallEntries(tar).get("index.json")).get("manifests").get(0);
    JsonNode name = manifest.path("annotations").get("org.opencontainers.image.ref.name");
    assertTrue(name != null, "index.json of " + tar + " names no image: " + manifest);
    return name.asText();
  }

  /**
   * Unpacks the image's filesystem into {@code rootfs}: every layer, in order, with the system's
   * tar (Jib's layers hold no whiteouts, so applying them in order is the whole merge).
   */
  public static void unpack(Path tar, Path rootfs) throws IOException, InterruptedException {
    Map<String, byte[]> files = smallEntries(tar);
    JsonNode index = JSON.readTree(files.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(files, index.get("manifests").get(0).get("digest").asText()));
    Path blobs = Files.createTempDirectory("oci-image-");
    try {
      run("tar", "-xf", tar.toString(), "-C", blobs.toString());
      Files.createDirectories(rootfs);
      for (JsonNode layer : manifest.get("layers")) {
        Path blob = blobs.resolve("blobs/sha256").resolve(layer.get("digest").asText().substring("sha256:".length()));
        run("tar", "--warning=no-unknown-keyword", "-xzf", blob.toString(), "-C", rootfs.toString());
      }
    } finally {
      run("rm", "-rf", blobs.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  public static List<String> strings(JsonNode array) {
    return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
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
