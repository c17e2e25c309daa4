-- Parents: one row per account that can sign in. Children, quests and
-- progress all hang off a profile, so this comes first.
CREATE TABLE profiles (
    id           INTEGER PRIMARY KEY,
    -- NOCASE so Ana@example.com and ana@example.com are one account.
    email        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    -- ISO 8601 UTC text: SQLite has no timestamp type, and text sorts correctly.
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Keep updated_at honest without relying on every UPDATE in the app.
-- The WHEN clause lets an explicit updated_at through and stops the trigger
-- from firing again on its own UPDATE.
CREATE TRIGGER profiles_set_updated_at
AFTER UPDATE ON profiles
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE profiles
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = NEW.id;
END;
