-- UPDATEs and DELETEs of a table that matched no destination row since its last copy: the
-- destination has drifted from the source. Shown in /status and in the Pipeline's status.
ALTER TABLE etl.table_states ADD COLUMN IF NOT EXISTS unmatched_changes bigint NOT NULL DEFAULT 0;
