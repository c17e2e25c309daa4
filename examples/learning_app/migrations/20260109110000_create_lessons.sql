-- strata:up
-- The lesson catalogue. Lessons are shared by every child, so they have no
-- owner; progress rows (a later migration) link children to lessons.
CREATE TABLE lessons (
    id               INTEGER PRIMARY KEY,
    -- Stable key for links and for data migrations that must find a lesson.
    slug             TEXT    NOT NULL UNIQUE CHECK (slug <> '' AND slug NOT GLOB '*[^a-z0-9-]*'),
    title            TEXT    NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    subject          TEXT    NOT NULL CHECK (subject IN ('math', 'reading', 'science', 'wellbeing')),
    grade_level      INTEGER NOT NULL CHECK (grade_level BETWEEN 0 AND 12),
    content_markdown TEXT    NOT NULL DEFAULT '',
    -- Drafts stay hidden from children until an editor publishes them.
    is_published     INTEGER NOT NULL DEFAULT 0 CHECK (is_published IN (0, 1)),
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TRIGGER lessons_set_updated_at
AFTER UPDATE ON lessons
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE lessons
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = NEW.id;
END;

-- strata:down
DROP TRIGGER lessons_set_updated_at;
DROP TABLE lessons;
