-- Open data catalogue: datasets (CKAN packages) with the Ontario inventory fields, their names
-- over time, keywords, groups, access history and resources.
CREATE TABLE datasets (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    notes_en TEXT NOT NULL DEFAULT '',
    notes_fr TEXT NOT NULL DEFAULT '',
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    license_id TEXT NOT NULL DEFAULT 'notspecified',
    url TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    author_email TEXT NOT NULL DEFAULT '',
    maintainer TEXT NOT NULL DEFAULT '',
    maintainer_email TEXT NOT NULL DEFAULT '',
    maintainer_branch_en TEXT NOT NULL DEFAULT '',
    maintainer_branch_fr TEXT NOT NULL DEFAULT '',
    update_frequency TEXT NOT NULL DEFAULT 'as_required',
    geographic_coverage_en TEXT NOT NULL DEFAULT '',
    geographic_coverage_fr TEXT NOT NULL DEFAULT '',
    geographic_granularity TEXT NOT NULL DEFAULT '',
    temporal_start TEXT,
    temporal_end TEXT,
    access_level TEXT NOT NULL DEFAULT 'open',
    exemption TEXT NOT NULL DEFAULT 'none',
    exemption_rationale_en TEXT NOT NULL DEFAULT '',
    exemption_rationale_fr TEXT NOT NULL DEFAULT '',
    planned_open_date TEXT,
    opened_date TEXT,
    current_as_of TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    private BOOLEAN NOT NULL DEFAULT FALSE,
    creator_user_id BLOB,
    extras TEXT NOT NULL DEFAULT '[]',
    metadata_created TEXT NOT NULL,
    metadata_modified TEXT NOT NULL
);
CREATE INDEX datasets_organization ON datasets(organization_id);
CREATE INDEX datasets_modified ON datasets(metadata_modified);

-- Every name a dataset has had, so that old links redirect after a rename.
CREATE TABLE dataset_names (
    name TEXT PRIMARY KEY NOT NULL,
    dataset_id BLOB NOT NULL REFERENCES datasets(id) ON DELETE CASCADE
);

CREATE TABLE dataset_keywords (
    dataset_id BLOB NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    keyword TEXT NOT NULL,
    PRIMARY KEY (dataset_id, lang, keyword)
);
CREATE INDEX dataset_keywords_keyword ON dataset_keywords(keyword);

CREATE TABLE catalogue_groups (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE dataset_groups (
    dataset_id BLOB NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    group_id BLOB NOT NULL REFERENCES catalogue_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (dataset_id, group_id)
);

-- Access-level changes are history, not overwrites: the charter dashboard is drawn from it.
CREATE TABLE access_history (
    id BLOB PRIMARY KEY NOT NULL,
    dataset_id BLOB NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    access_level TEXT NOT NULL,
    exemption TEXT NOT NULL,
    planned_open_date TEXT,
    actor_label TEXT NOT NULL
);
CREATE INDEX access_history_dataset ON access_history(dataset_id, at);

CREATE TABLE resources (
    id BLOB PRIMARY KEY NOT NULL,
    dataset_id BLOB NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    name_en TEXT NOT NULL DEFAULT '',
    name_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    url_type TEXT NOT NULL DEFAULT '',
    file_key TEXT,
    format TEXT NOT NULL DEFAULT '',
    mimetype TEXT NOT NULL DEFAULT '',
    size INTEGER,
    hash TEXT NOT NULL DEFAULT '',
    resource_type TEXT NOT NULL DEFAULT 'data',
    language TEXT NOT NULL DEFAULT 'english_and_french',
    data_range_start TEXT,
    data_range_end TEXT,
    data_last_updated TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    datastore_active BOOLEAN NOT NULL DEFAULT FALSE,
    extras TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL,
    last_modified TEXT,
    metadata_modified TEXT NOT NULL
);
CREATE INDEX resources_dataset ON resources(dataset_id, position);
