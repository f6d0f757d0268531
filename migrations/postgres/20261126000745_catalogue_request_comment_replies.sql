-- Replies one level deep on data-request comments, and the time an author last edited one (shown).
ALTER TABLE data_request_comments ADD COLUMN parent_id UUID REFERENCES data_request_comments(id) ON DELETE CASCADE;
ALTER TABLE data_request_comments ADD COLUMN edited_at TIMESTAMPTZ;
