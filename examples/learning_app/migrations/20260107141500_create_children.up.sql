-- Children belong to a parent profile; a child never signs in on their own.
CREATE TABLE children (
    id           INTEGER PRIMARY KEY,
    -- Deleting a parent account deletes the children's data with it.
    parent_id    INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    display_name TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    -- 0 is kindergarten, 12 is the last year of school.
    grade_level  INTEGER NOT NULL CHECK (grade_level BETWEEN 0 AND 12),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every FK gets an index: "my children" is the most common query, and the
-- cascade on profile delete would otherwise scan the whole table.
CREATE INDEX children_parent_id_idx ON children (parent_id);

CREATE TRIGGER children_set_updated_at
AFTER UPDATE ON children
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE children
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = NEW.id;
END;
