-- Open dialogue: the consultations directory, co-creation processes with phases and themes,
-- ideas with their versions (staff plain-language rewrites beside the original), assessment,
-- ballots with receipts, comments, follows and moderation reports.

CREATE TABLE dialogue_topics (
    slug TEXT PRIMARY KEY NOT NULL,
    label_en TEXT NOT NULL,
    label_fr TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dialogue_processes (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    title_en TEXT NOT NULL,
    title_fr TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_fr TEXT NOT NULL DEFAULT '',
    guidance_en TEXT NOT NULL DEFAULT '',
    guidance_fr TEXT NOT NULL DEFAULT '',
    vote_rule TEXT NOT NULL DEFAULT 'one_per_theme',
    vote_max INTEGER NOT NULL DEFAULT 1,
    hide_tallies BOOLEAN NOT NULL DEFAULT TRUE,
    ideas_per_person INTEGER NOT NULL DEFAULT 0,
    report_threshold INTEGER NOT NULL DEFAULT 3,
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE dialogue_phases (
    id BLOB PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    submit_audience TEXT NOT NULL DEFAULT 'nobody',
    comment_audience TEXT NOT NULL DEFAULT 'nobody',
    vote_audience TEXT NOT NULL DEFAULT 'nobody',
    UNIQUE (process_id, position)
);

CREATE TABLE dialogue_themes (
    id BLOB PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    position INTEGER NOT NULL,
    title_en TEXT NOT NULL,
    title_fr TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_fr TEXT NOT NULL DEFAULT '',
    UNIQUE (process_id, slug)
);

CREATE TABLE dialogue_criteria (
    id BLOB PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label_en TEXT NOT NULL,
    label_fr TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dialogue_consultations (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    title_en TEXT NOT NULL,
    title_fr TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_fr TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL,
    opens_on TEXT,
    closes_on TEXT,
    ongoing BOOLEAN NOT NULL DEFAULT FALSE,
    process_id BLOB REFERENCES dialogue_processes(id),
    we_asked_en TEXT NOT NULL DEFAULT '',
    we_asked_fr TEXT NOT NULL DEFAULT '',
    you_said_en TEXT NOT NULL DEFAULT '',
    you_said_fr TEXT NOT NULL DEFAULT '',
    we_did_en TEXT NOT NULL DEFAULT '',
    we_did_fr TEXT NOT NULL DEFAULT '',
    results_url TEXT NOT NULL DEFAULT '',
    results_published_on TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    external_id TEXT,
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX dialogue_consultations_closes ON dialogue_consultations(closes_on);
CREATE INDEX dialogue_consultations_org ON dialogue_consultations(organization_id);

CREATE TABLE dialogue_consultation_topics (
    consultation_id BLOB NOT NULL REFERENCES dialogue_consultations(id) ON DELETE CASCADE,
    topic TEXT NOT NULL REFERENCES dialogue_topics(slug),
    PRIMARY KEY (consultation_id, topic)
);
CREATE INDEX dialogue_consultation_topics_topic ON dialogue_consultation_topics(topic);

CREATE TABLE dialogue_consultation_ways (
    id BLOB PRIMARY KEY NOT NULL,
    consultation_id BLOB NOT NULL REFERENCES dialogue_consultations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    label_en TEXT NOT NULL DEFAULT '',
    label_fr TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    place_en TEXT NOT NULL DEFAULT '',
    place_fr TEXT NOT NULL DEFAULT '',
    event_on TEXT,
    time_label TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dialogue_ideas (
    id BLOB PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    theme_id BLOB NOT NULL REFERENCES dialogue_themes(id),
    author_id BLOB REFERENCES users(id),
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    search_text TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'submitted',
    merged_into BLOB REFERENCES dialogue_ideas(id),
    answer_en TEXT NOT NULL DEFAULT '',
    answer_fr TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    status TEXT NOT NULL DEFAULT 'visible',
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX dialogue_ideas_process ON dialogue_ideas(process_id, theme_id, state);
CREATE INDEX dialogue_ideas_author ON dialogue_ideas(author_id, created_at);

CREATE TABLE dialogue_idea_versions (
    id BLOB PRIMARY KEY NOT NULL,
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    editor_id BLOB REFERENCES users(id),
    editor_label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (idea_id, number)
);

CREATE TABLE dialogue_objections (
    id BLOB PRIMARY KEY NOT NULL,
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    version_number INTEGER NOT NULL,
    author_id BLOB NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (idea_id, version_number, author_id)
);

CREATE TABLE dialogue_checks (
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    criterion_id BLOB NOT NULL REFERENCES dialogue_criteria(id) ON DELETE CASCADE,
    met BOOLEAN NOT NULL,
    PRIMARY KEY (idea_id, criterion_id)
);

CREATE TABLE dialogue_notes (
    id BLOB PRIMARY KEY NOT NULL,
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    author_id BLOB REFERENCES users(id),
    author_label TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE dialogue_follows (
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);

CREATE TABLE dialogue_participants (
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ideas INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (process_id, user_id)
);

CREATE TABLE dialogue_comments (
    id BLOB PRIMARY KEY NOT NULL,
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id) ON DELETE CASCADE,
    author_id BLOB REFERENCES users(id),
    body TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'visible',
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX dialogue_comments_idea ON dialogue_comments(idea_id, created_at);
CREATE INDEX dialogue_comments_author ON dialogue_comments(author_id, created_at);

CREATE TABLE dialogue_reports (
    id BLOB PRIMARY KEY NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BLOB NOT NULL,
    reporter_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT,
    UNIQUE (target_kind, target_id, reporter_id)
);
CREATE INDEX dialogue_reports_open ON dialogue_reports(resolved_at, target_kind, target_id);

CREATE TABLE dialogue_receipts (
    code_hash TEXT PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

CREATE TABLE dialogue_ballots (
    id BLOB PRIMARY KEY NOT NULL,
    process_id BLOB NOT NULL REFERENCES dialogue_processes(id) ON DELETE CASCADE,
    voter_id BLOB NOT NULL REFERENCES users(id),
    scope TEXT NOT NULL,
    receipt_hash TEXT NOT NULL REFERENCES dialogue_receipts(code_hash),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (process_id, voter_id, scope)
);
CREATE INDEX dialogue_ballots_receipt ON dialogue_ballots(receipt_hash);

CREATE TABLE dialogue_ballot_choices (
    ballot_id BLOB NOT NULL REFERENCES dialogue_ballots(id) ON DELETE CASCADE,
    idea_id BLOB NOT NULL REFERENCES dialogue_ideas(id),
    PRIMARY KEY (ballot_id, idea_id)
);
CREATE INDEX dialogue_ballot_choices_idea ON dialogue_ballot_choices(idea_id);
