-- Datastore upkeep: versions beyond the retention policy lose their Parquet file but keep their
-- row (the audit trail says what was loaded and when); each version's column profile is computed
-- once and kept.
ALTER TABLE datastore_loads ADD COLUMN removed_at TIMESTAMPTZ;
CREATE TABLE datastore_profiles (
    load_id UUID PRIMARY KEY NOT NULL REFERENCES datastore_loads(id) ON DELETE CASCADE,
    profile JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
