-- Which incarnation of the apply slot the pipeline streams from: a new random id every time the
-- replicator creates the slot, so that positions a destination recorded for an earlier slot (on a
-- source that failed over to a replica that was behind, say) are never taken for this one's.
ALTER TABLE etl.pipelines ADD COLUMN IF NOT EXISTS apply_slot_incarnation text;
ALTER TABLE etl.pipelines ADD COLUMN IF NOT EXISTS apply_slot_created_at timestamptz;
