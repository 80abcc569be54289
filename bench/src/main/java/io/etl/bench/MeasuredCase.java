package io.etl.bench;

/**
 * Entry point of a child JVM that runs one measured case against the parent's servers and prints
 * its {@link Measurement} as the last line. Arguments: {@code case sourcePort destinationPort
 * units [case's own]}, where units is the number of rows or change events the case moves.
 */
public final class MeasuredCase {
  static final String COPY_MEMORY = "copy-memory";
  static final String COPY_DISCARD = "copy-discard";
  static final String COPY_POSTGRES = "copy-postgres";
  static final String STREAM_MEMORY = "stream-memory";
  static final String STREAM_DISCARD = "stream-discard";
  static final String STREAM_POSTGRES = "stream-postgres";
  static final String DEBEZIUM = "debezium";
  /** Streams into PostgreSQL until latency probe {@code units} is there. */
  static final String LATENCY = "latency-postgres";

  private MeasuredCase() {}

  /** The JVM flags the case's child runs with. */
  static String jvmFlags(String measuredCase) {
    return switch (measuredCase) {
      case COPY_MEMORY, STREAM_MEMORY -> Target.MEMORY.jvmFlags;
      case COPY_DISCARD, STREAM_DISCARD -> Target.DISCARD.jvmFlags;
      case COPY_POSTGRES, STREAM_POSTGRES, LATENCY -> Target.POSTGRES.jvmFlags;
      // as before the replicator's flags existed: Debezium's defaults with room to spare
      case DEBEZIUM -> ChildJvm.MEMORY_DESTINATION_FLAGS;
      default -> throw new IllegalArgumentException("unknown case " + measuredCase);
    };
  }

  public static void main(String[] args) throws Exception {
    Endpoints endpoints = Endpoints.fromArgs(args[1], args[2]);
    long units = Long.parseLong(args[3]);
    Measurement measured = switch (args[0]) {
      case COPY_MEMORY -> new PipelineCopyCase(endpoints, Target.MEMORY).run(units);
      case COPY_DISCARD -> new PipelineCopyCase(endpoints, Target.DISCARD).run(units);
      case COPY_POSTGRES -> new PipelineCopyCase(endpoints, Target.POSTGRES).run(units);
      case STREAM_MEMORY -> new PipelineStreamCase(endpoints, Target.MEMORY).run(units);
      case STREAM_DISCARD -> new PipelineStreamCase(endpoints, Target.DISCARD).run(units);
      case STREAM_POSTGRES -> new PipelineStreamCase(endpoints, Target.POSTGRES).run(units);
      case DEBEZIUM -> new DebeziumStreamCase(endpoints).run(units);
      case LATENCY -> new LatencyPipelineCase(endpoints).run(units);
      default -> throw new IllegalArgumentException("unknown case " + args[0]);
    };
    System.out.println(measured.line());
    // threads a library left behind must not keep the child alive
    System.exit(0);
  }
}
