-- Where a commitment came from in open dialogue: the co-creation process and the ideas, in the
-- order the commitment names them. Open dialogue owns those records; only their ids are kept.
ALTER TABLE tracker_items ADD COLUMN origin_process_id BLOB;

CREATE TABLE tracker_item_ideas (
    item_id BLOB NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    idea_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (item_id, idea_id)
);
