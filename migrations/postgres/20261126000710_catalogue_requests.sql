-- Data requests: datasets people ask to be opened, voted on, followed and commented; staff
-- assign them to an organization and answer them through a status workflow.
CREATE TABLE data_requests (
    id UUID PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en',
    suggested_organization_id UUID REFERENCES organizations(id),
    organization_id UUID REFERENCES organizations(id),
    status TEXT NOT NULL DEFAULT 'submitted',
    planned_date DATE,
    dataset_id UUID REFERENCES datasets(id),
    decline_reason TEXT NOT NULL DEFAULT '',
    author_id UUID REFERENCES users(id) ON DELETE SET NULL,
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX data_requests_status ON data_requests(status);
CREATE INDEX data_requests_organization ON data_requests(organization_id);

-- One vote a person: the primary key refuses a second one, whatever the timing.
CREATE TABLE data_request_votes (
    request_id UUID NOT NULL REFERENCES data_requests(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE data_request_followers (
    request_id UUID NOT NULL REFERENCES data_requests(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE data_request_comments (
    id UUID PRIMARY KEY NOT NULL,
    request_id UUID NOT NULL REFERENCES data_requests(id) ON DELETE CASCADE,
    author_id UUID REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX data_request_comments_request ON data_request_comments(request_id, id);

-- The public history of a request's answer: each status change or assignment.
CREATE TABLE data_request_events (
    id UUID PRIMARY KEY NOT NULL,
    request_id UUID NOT NULL REFERENCES data_requests(id) ON DELETE CASCADE,
    at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    organization_id UUID REFERENCES organizations(id),
    planned_date DATE,
    dataset_id UUID REFERENCES datasets(id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX data_request_events_request ON data_request_events(request_id, id);

-- Targets for the charter dashboard: this many datasets open by this date, overall (no
-- organization) or for one organization.
CREATE TABLE open_data_targets (
    id UUID PRIMARY KEY NOT NULL,
    organization_id UUID REFERENCES organizations(id) ON DELETE CASCADE,
    open_count BIGINT NOT NULL,
    due_date DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
