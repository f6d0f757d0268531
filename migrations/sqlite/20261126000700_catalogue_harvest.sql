-- Catalogues harvested with `agora harvest ckan URL`: where each left off, so that the next run
-- asks only for what changed since.
CREATE TABLE harvest_sources (
    url TEXT PRIMARY KEY NOT NULL,
    -- The newest `metadata_modified` seen at that source.
    last_modified TEXT,
    harvested_at TEXT NOT NULL
);
