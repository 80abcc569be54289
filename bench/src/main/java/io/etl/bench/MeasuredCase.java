package io.etl.bench;

/**
 * Entry point of a child JVM that runs one measured case against the parent's servers and prints
 * its {@link Measurement} as the last line. Arguments: {@code case sourcePort destinationPort
 * units}, where units is the number of rows or change events the case moves.
 */
public final class MeasuredCase {
  static final String COPY_MEMORY = "copy-memory";
  static final String COPY_POSTGRES = "copy-postgres";
  static final String STREAM_MEMORY = "stream-memory";
  static final String STREAM_POSTGRES = "stream-postgres";
  static final String DEBEZIUM = "debezium";

  private MeasuredCase() {}

  public static void main(String[] args) throws Exception {
    Endpoints endpoints = Endpoints.fromArgs(args[1], args[2]);
    long units = Long.parseLong(args[3]);
    Measurement measured = switch (args[0]) {
      case COPY_MEMORY -> new PipelineCopyCase(endpoints, true).run(units);
      case COPY_POSTGRES -> new PipelineCopyCase(endpoints, false).run(units);
      case STREAM_MEMORY -> new PipelineStreamCase(endpoints, true).run(units);
      case STREAM_POSTGRES -> new PipelineStreamCase(endpoints, false).run(units);
      case DEBEZIUM -> new DebeziumStreamCase(endpoints).run(units);
      default -> throw new IllegalArgumentException("unknown case " + args[0]);
    };
    System.out.println(measured.line());
    // threads a library left behind must not keep the child alive
    System.exit(0);
  }
}
