-- Where a commitment came from in open dialogue: the co-creation process and the ideas, in the
-- order the commitment names them. Open dialogue owns those records; only their ids are kept.
ALTER TABLE tracker_items ADD COLUMN origin_process_id UUID;

CREATE TABLE tracker_item_ideas (
    item_id UUID NOT NULL REFERENCES tracker_items(id) ON DELETE CASCADE,
    idea_id UUID NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (item_id, idea_id)
);
