-- Tracker: OGP action plans, commitments and government projects, milestones with evidence,
-- progress updates (the public history of completion changes) and IRM-style assessments.
CREATE TABLE tracker_plans (
    id UUID PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_fr TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    plan_number BIGINT NOT NULL,
    year_submitted BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (country, plan_number)
);

CREATE TABLE tracker_themes (
    slug TEXT PRIMARY KEY NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tracker_items (
    id UUID PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    plan_id UUID REFERENCES tracker_plans(id) ON DELETE RESTRICT,
    number TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0,
    ogp_id TEXT NOT NULL DEFAULT '',
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    short_title_en TEXT NOT NULL DEFAULT '',
    short_title_fr TEXT NOT NULL DEFAULT '',
    lead_team_en TEXT NOT NULL DEFAULT '',
    lead_team_fr TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_role_en TEXT NOT NULL DEFAULT '',
    contact_role_fr TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    actors_government_en TEXT NOT NULL DEFAULT '',
    actors_government_fr TEXT NOT NULL DEFAULT '',
    actors_civil_society_en TEXT NOT NULL DEFAULT '',
    actors_civil_society_fr TEXT NOT NULL DEFAULT '',
    status_quo_en TEXT NOT NULL DEFAULT '',
    status_quo_fr TEXT NOT NULL DEFAULT '',
    objective_en TEXT NOT NULL DEFAULT '',
    objective_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    values_intro_en TEXT NOT NULL DEFAULT '',
    values_intro_fr TEXT NOT NULL DEFAULT '',
    value_access_information BOOLEAN NOT NULL DEFAULT FALSE,
    value_access_information_en TEXT NOT NULL DEFAULT '',
    value_access_information_fr TEXT NOT NULL DEFAULT '',
    value_civic_participation BOOLEAN NOT NULL DEFAULT FALSE,
    value_civic_participation_en TEXT NOT NULL DEFAULT '',
    value_civic_participation_fr TEXT NOT NULL DEFAULT '',
    value_public_accountability BOOLEAN NOT NULL DEFAULT FALSE,
    value_public_accountability_en TEXT NOT NULL DEFAULT '',
    value_public_accountability_fr TEXT NOT NULL DEFAULT '',
    value_technology BOOLEAN NOT NULL DEFAULT FALSE,
    value_technology_en TEXT NOT NULL DEFAULT '',
    value_technology_fr TEXT NOT NULL DEFAULT '',
    ambition_en TEXT NOT NULL DEFAULT '',
    ambition_fr TEXT NOT NULL DEFAULT '',
    status_override TEXT,
    origin JSONB NOT NULL DEFAULT '[]',
    source_url TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracker_items_plan ON tracker_items(plan_id, position);
CREATE INDEX tracker_items_organization ON tracker_items(organization_id);

CREATE TABLE tracker_item_themes (
    item_id UUID NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    theme_slug TEXT NOT NULL REFERENCES tracker_themes(slug) ON DELETE CASCADE,
    PRIMARY KEY (item_id, theme_slug)
);

CREATE TABLE tracker_milestones (
    id UUID PRIMARY KEY NOT NULL,
    item_id UUID NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    activity_en TEXT NOT NULL DEFAULT '',
    activity_fr TEXT NOT NULL DEFAULT '',
    novelty TEXT NOT NULL DEFAULT 'new',
    start_date DATE,
    start_precision TEXT NOT NULL DEFAULT 'day',
    end_date DATE,
    end_precision TEXT NOT NULL DEFAULT 'day',
    completion TEXT NOT NULL DEFAULT 'not_started',
    weight BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracker_milestones_item ON tracker_milestones(item_id, position);

CREATE TABLE tracker_updates (
    id UUID PRIMARY KEY NOT NULL,
    item_id UUID NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    milestone_id UUID REFERENCES tracker_milestones(id) ON DELETE SET NULL,
    completion_before TEXT,
    completion_after TEXT,
    status_before TEXT,
    status_after TEXT,
    body_en TEXT NOT NULL DEFAULT '',
    body_fr TEXT NOT NULL DEFAULT '',
    author_id UUID REFERENCES users(id) ON DELETE SET NULL,
    author_label TEXT NOT NULL DEFAULT '',
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    posted_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracker_updates_item ON tracker_updates(item_id, posted_at);
CREATE INDEX tracker_updates_posted ON tracker_updates(posted_at);

CREATE TABLE tracker_evidence (
    id UUID PRIMARY KEY NOT NULL,
    milestone_id UUID NOT NULL REFERENCES tracker_milestones(id) ON DELETE CASCADE,
    update_id UUID REFERENCES tracker_updates(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracker_evidence_milestone ON tracker_evidence(milestone_id);

CREATE TABLE tracker_assessments (
    id UUID PRIMARY KEY NOT NULL,
    item_id UUID NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    specificity TEXT,
    verifiable BOOLEAN,
    relevance_access_information BOOLEAN NOT NULL DEFAULT FALSE,
    relevance_civic_participation BOOLEAN NOT NULL DEFAULT FALSE,
    relevance_public_accountability BOOLEAN NOT NULL DEFAULT FALSE,
    relevance_technology BOOLEAN NOT NULL DEFAULT FALSE,
    potential_impact TEXT,
    completion TEXT,
    opened_government TEXT,
    assessor TEXT NOT NULL,
    assessed_on DATE NOT NULL,
    notes_en TEXT NOT NULL DEFAULT '',
    notes_fr TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracker_assessments_item ON tracker_assessments(item_id, assessed_on);
