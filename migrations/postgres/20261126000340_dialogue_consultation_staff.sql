-- Consultations edited by staff from pages: drafts (no publication time yet), people who follow an
-- entry to hear of its results, and the files published with the results.

ALTER TABLE dialogue_consultations ADD COLUMN published_at TIMESTAMPTZ;
UPDATE dialogue_consultations SET published_at = created_at;

CREATE TABLE dialogue_consultation_subscribers (
    consultation_id UUID NOT NULL REFERENCES dialogue_consultations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consultation_id, user_id)
);

CREATE TABLE dialogue_consultation_attachments (
    id UUID PRIMARY KEY NOT NULL,
    consultation_id UUID NOT NULL REFERENCES dialogue_consultations(id) ON DELETE CASCADE,
    title_en TEXT NOT NULL DEFAULT '',
    title_fr TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    file_key TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dialogue_consultation_attachments_consultation ON dialogue_consultation_attachments(consultation_id);
