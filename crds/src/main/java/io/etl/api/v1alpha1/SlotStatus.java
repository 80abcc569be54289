package io.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The pipeline's apply slot, as pg_replication_slots shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlotStatus {
  public String name;
  public Boolean active;
  /** Bytes of WAL the slot holds back: pg_current_wal_lsn() - confirmed_flush_lsn. */
  public Long lagBytes;
  /** lagBytes for people, e.g. 12.3 MiB. */
  public String lag;
  public String walStatus;
  public Long safeWalSizeBytes;
  @JsonProperty("confirmedFlushLSN")
  public String confirmedFlushLsn;
}
