-- The document library: documents of a few types with typed metadata, their files (each new file
-- is a version), and the text of every page, extracted in a background job.

CREATE TABLE library_documents (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    organization_id BLOB REFERENCES organizations(id),
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_fr TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    access TEXT NOT NULL DEFAULT 'public',
    restricted_reason TEXT NOT NULL DEFAULT '',
    employer TEXT NOT NULL DEFAULT '',
    union_name TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    starts_on TEXT,
    expires_on TEXT,
    employees_covered INTEGER,
    minister TEXT NOT NULL DEFAULT '',
    ministry TEXT NOT NULL DEFAULT '',
    letter_on TEXT,
    pair_id BLOB REFERENCES library_documents(id),
    source_url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    external_id TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    file_key TEXT,
    file_name TEXT NOT NULL DEFAULT '',
    file_type TEXT NOT NULL DEFAULT '',
    file_size INTEGER,
    file_sha256 TEXT NOT NULL DEFAULT '',
    extraction TEXT NOT NULL DEFAULT 'none',
    extraction_note TEXT NOT NULL DEFAULT '',
    page_count INTEGER NOT NULL DEFAULT 0,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    withdrawn_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source, external_id)
);

CREATE INDEX library_documents_kind ON library_documents(kind, id);
CREATE INDEX library_documents_expires ON library_documents(expires_on);
CREATE INDEX library_documents_org ON library_documents(organization_id);

CREATE TABLE library_versions (
    document_id BLOB NOT NULL REFERENCES library_documents(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    file_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE TABLE library_pages (
    document_id BLOB NOT NULL REFERENCES library_documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    method TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, page)
);
