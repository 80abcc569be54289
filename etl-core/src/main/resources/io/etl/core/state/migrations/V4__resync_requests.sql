-- Re-sync requests (the config's resync list, the Pipeline's spec.resync) the replicator took,
-- one row per request id: a recorded id is never performed again, so a request can stay in the
-- config. result: started (the table is being copied again), done (it reached ready),
-- errored (the copy failed; detail says why) or unknown_table (not in the publication).
CREATE TABLE IF NOT EXISTS etl.resync_requests (
  pipeline_id text NOT NULL,
  request_id text NOT NULL,
  table_name text NOT NULL,
  table_oid oid,
  requested_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result text NOT NULL,
  detail text,
  PRIMARY KEY (pipeline_id, request_id)
);
