-- Datastore aliases (datastore_create's `aliases`): names that stand for a table's resource id in
-- datastore_search, datastore_search_sql and datastore_info. A name belongs to one table.
CREATE TABLE datastore_aliases (
    name TEXT PRIMARY KEY NOT NULL,
    resource_id UUID NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX datastore_aliases_resource ON datastore_aliases(resource_id, name);
