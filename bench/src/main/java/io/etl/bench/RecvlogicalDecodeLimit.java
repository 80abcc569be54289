package io.etl.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The streaming decode limit: PostgreSQL's own client {@code pg_recvlogical} reading a pgoutput
 * slot over the backlog into {@code /dev/null} until {@code --endpos} (the WAL position right
 * after the marker's commit): the server decodes and sends everything, the client does nothing
 * but write it away. Runs in the parent as a process of its own; its CPU and memory are nobody's.
 */
final class RecvlogicalDecodeLimit {
  static final String COMMAND = "pg_recvlogical";

  private final Endpoints endpoints;
  private final Path executable;

  private RecvlogicalDecodeLimit(Endpoints endpoints, Path executable) {
    this.endpoints = endpoints;
    this.executable = executable;
  }

  /** Empty when {@code pg_recvlogical} is not on the PATH. */
  static Optional<RecvlogicalDecodeLimit> find(Endpoints endpoints) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, COMMAND))
        .filter(Files::isExecutable)
        .findFirst()
        .map(path -> new RecvlogicalDecodeLimit(endpoints, path));
  }

  /** Reads {@code slot} up to {@code endLsn}; throws if the client fails. */
  void read(String slot, String publication, String endLsn) throws Exception {
    List<String> command = List.of(executable.toString(),
        "--dbname=host=localhost port=" + endpoints.sourcePort() + " dbname=" + Endpoints.DATABASE + " user=" + Endpoints.USER,
        "--slot=" + slot, "--start", "--no-loop", "--endpos=" + endLsn,
        "--option=proto_version=1", "--option=publication_names=" + publication,
        "--file=/dev/null");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    // the password of the benchmark's own local server, not a secret of anybody's
    builder.environment().put("PGPASSWORD", Endpoints.PASSWORD);
    int exit = builder.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException(COMMAND + " exited with " + exit);
    }
  }
}
