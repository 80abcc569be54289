package io.etl.core.config;

import java.util.List;

/**
 * Initial copy.
 *
 * @param maxWorkers tables copied at the same time
 * @param rangesPerTable parallel ctid ranges a large table is split into
 * @param parallelMinPages a table with at least this many pages is split into ranges
 * @param rowsPerWrite copied rows handed to the destination per call
 * @param publicationRefreshMs how often the publication is read again while streaming, so tables
 *     added to it are copied and tables removed from it are let go without a restart
 */
public record TableSyncConfig(
    Integer maxWorkers, Integer rangesPerTable, Integer parallelMinPages, Integer rowsPerWrite,
    Integer publicationRefreshMs) {
  public static final TableSyncConfig DEFAULT = new TableSyncConfig(null, null, null, null, null);

  public static final Range MAX_WORKERS = new Range(1, 64);
  public static final Range RANGES_PER_TABLE = new Range(1, 64);

  /** Every setting unset (the loader's defaults) until one is given. */
  public static Builder builder() {
    return new Builder();
  }

  public TableSyncConfig {
    maxWorkers = maxWorkers == null ? 4 : maxWorkers;
    rangesPerTable = rangesPerTable == null ? 4 : rangesPerTable;
    parallelMinPages = parallelMinPages == null ? 2048 : parallelMinPages;
    rowsPerWrite = rowsPerWrite == null ? 10_000 : rowsPerWrite;
    publicationRefreshMs = publicationRefreshMs == null ? 10_000 : publicationRefreshMs;
  }

  public void validate(List<String> problems) {
    MAX_WORKERS.check("tableSync.maxWorkers", maxWorkers, problems);
    RANGES_PER_TABLE.check("tableSync.rangesPerTable", rangesPerTable, problems);
    if (parallelMinPages < 1) {
      problems.add("tableSync.parallelMinPages must be at least 1, got " + parallelMinPages);
    }
    if (rowsPerWrite < 1) {
      problems.add("tableSync.rowsPerWrite must be at least 1, got " + rowsPerWrite);
    }
    if (publicationRefreshMs < 100) {
      problems.add("tableSync.publicationRefreshMs must be at least 100, got " + publicationRefreshMs);
    }
  }

  /** A {@link TableSyncConfig} a setting at a time; what is not set gets the record's default. */
  public static final class Builder {
    private Integer maxWorkers;
    private Integer rangesPerTable;
    private Integer parallelMinPages;
    private Integer rowsPerWrite;
    private Integer publicationRefreshMs;

    private Builder() {}

    public Builder maxWorkers(Integer maxWorkers) {
      this.maxWorkers = maxWorkers;
      return this;
    }

    public Builder rangesPerTable(Integer rangesPerTable) {
      this.rangesPerTable = rangesPerTable;
      return this;
    }

    public Builder parallelMinPages(Integer parallelMinPages) {
      this.parallelMinPages = parallelMinPages;
      return this;
    }

    public Builder rowsPerWrite(Integer rowsPerWrite) {
      this.rowsPerWrite = rowsPerWrite;
      return this;
    }

    public Builder publicationRefreshMs(Integer publicationRefreshMs) {
      this.publicationRefreshMs = publicationRefreshMs;
      return this;
    }

    public TableSyncConfig build() {
      return new TableSyncConfig(maxWorkers, rangesPerTable, parallelMinPages, rowsPerWrite, publicationRefreshMs);
    }
  }
}
