-- Datastore: each resource's table is a series of loads; a load that succeeds becomes a version
-- (a Parquet file in the object store) and the table switches to it in one transaction. A load
-- that fails keeps its validation report and changes nothing else.
CREATE TABLE datastore_tables (
    resource_id UUID PRIMARY KEY NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    current_load UUID,
    dictionary JSONB NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE datastore_loads (
    id UUID PRIMARY KEY NOT NULL,
    resource_id UUID NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    version BIGINT,
    ok BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    parquet_key TEXT,
    row_count BIGINT NOT NULL DEFAULT 0,
    byte_count BIGINT NOT NULL DEFAULT 0,
    report JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX datastore_loads_version ON datastore_loads(resource_id, version);
CREATE INDEX datastore_loads_resource ON datastore_loads(resource_id, id);
