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

  public TableSyncConfig(Integer maxWorkers, Integer rangesPerTable, Integer parallelMinPages, Integer rowsPerWrite) {
    this(maxWorkers, rangesPerTable, parallelMinPages, rowsPerWrite, null);
  }

  public TableSyncConfig {
    maxWorkers = maxWorkers == null ? 4 : maxWorkers;
    rangesPerTable = rangesPerTable == null ? 4 : rangesPerTable;
    parallelMinPages = parallelMinPages == null ? 2048 : parallelMinPages;
    rowsPerWrite = rowsPerWrite == null ? 10_000 : rowsPerWrite;
    publicationRefreshMs = publicationRefreshMs == null ? 10_000 : publicationRefreshMs;
  }

  public void validate(List<String> problems) {
    if (maxWorkers < 1 || maxWorkers > 64) {
      problems.add("tableSync.maxWorkers must be between 1 and 64, got " + maxWorkers);
    }
    if (rangesPerTable < 1 || rangesPerTable > 64) {
      problems.add("tableSync.rangesPerTable must be between 1 and 64, got " + rangesPerTable);
    }
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
}
