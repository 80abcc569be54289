-- The replicator's state in the source database, one set of rows per pipeline.
CREATE SCHEMA IF NOT EXISTS etl;

CREATE TABLE IF NOT EXISTS etl.pipelines (
  pipeline_id text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Current state of each table (phases: init, data_sync, finished_copy, sync_done, ready, errored).
CREATE TABLE IF NOT EXISTS etl.table_states (
  pipeline_id text NOT NULL,
  table_oid oid NOT NULL,
  phase text NOT NULL,
  lsn pg_lsn,
  reason text,
  solution text,
  rows_copied bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, table_oid)
);

-- Every transition, newest 100 per table kept.
CREATE TABLE IF NOT EXISTS etl.table_state_history (
  id bigserial PRIMARY KEY,
  pipeline_id text NOT NULL,
  table_oid oid NOT NULL,
  phase text NOT NULL,
  lsn pg_lsn,
  reason text,
  solution text,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS table_state_history_by_table ON etl.table_state_history (pipeline_id, table_oid, id);

-- The source schema each table was copied with.
CREATE TABLE IF NOT EXISTS etl.table_schemas (
  pipeline_id text NOT NULL,
  table_oid oid NOT NULL,
  schema jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, table_oid)
);
