-- Replies one level deep on idea comments, and the time an author last edited a comment (shown).
ALTER TABLE dialogue_comments ADD COLUMN parent_id BLOB REFERENCES dialogue_comments(id) ON DELETE CASCADE;
ALTER TABLE dialogue_comments ADD COLUMN edited_at TEXT;
CREATE INDEX dialogue_comments_parent ON dialogue_comments(parent_id);
