-- strata:up
-- One row per child and lesson: the best score so far and when it was reached.
CREATE TABLE lesson_progress (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    -- Deleting a lesson removes the progress on it; nothing else points here.
    lesson_id    INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    completed_at TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Retrying a lesson updates the row; the app upserts on this key.
    UNIQUE (child_id, lesson_id)
);

-- child_id is covered by the UNIQUE (child_id, lesson_id) index, whose first
-- column it is; lesson_id is not, and "who did this lesson" needs it.
CREATE INDEX lesson_progress_lesson_id_idx ON lesson_progress (lesson_id);

CREATE TRIGGER lesson_progress_set_updated_at
AFTER UPDATE ON lesson_progress
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE lesson_progress
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = NEW.id;
END;

-- strata:down
DROP TRIGGER lesson_progress_set_updated_at;
DROP INDEX lesson_progress_lesson_id_idx;
DROP TABLE lesson_progress;
