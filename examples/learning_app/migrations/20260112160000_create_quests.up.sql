-- Quests: small goals a child works towards ("finish 3 lessons this week").
CREATE TABLE quests (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    quest_type   TEXT    NOT NULL CHECK (quest_type IN ('daily', 'weekly', 'special')),
    -- SQLite has no enum type: a CHECK keeps the status vocabulary closed.
    status       TEXT    NOT NULL DEFAULT 'available'
                         CHECK (status IN ('available', 'active', 'completed', 'expired')),
    progress     INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    expires_at   TEXT,
    completed_at TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- A completed quest must say when; any other status must not.
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

CREATE INDEX quests_child_id_idx ON quests (child_id);

CREATE TRIGGER quests_set_updated_at
AFTER UPDATE ON quests
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE quests
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = NEW.id;
END;
