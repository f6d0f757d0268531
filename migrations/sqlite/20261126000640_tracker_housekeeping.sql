-- Deleting from the tracker's pages is soft: a deleted item or plan keeps its rows (and slug)
-- until an administrator restores it. A plan that still holds items is archived instead.
ALTER TABLE tracker_items ADD COLUMN deleted_at TEXT;
ALTER TABLE tracker_plans ADD COLUMN deleted_at TEXT;
ALTER TABLE tracker_plans ADD COLUMN archived_at TEXT;
