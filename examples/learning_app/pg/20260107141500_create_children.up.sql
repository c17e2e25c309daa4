-- Children belong to a parent profile; a child never signs in on their own.
CREATE TABLE children (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id    uuid        NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    -- 0 is kindergarten, 12 is the last year of school.
    grade_level  integer     NOT NULL CHECK (grade_level BETWEEN 0 AND 12),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- PostgreSQL does not index FK columns by itself: without this, deleting a
-- profile scans all children, and so does every "my children" policy check.
CREATE INDEX children_parent_id_idx ON children (parent_id);

ALTER TABLE children ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER children_set_updated_at
BEFORE UPDATE ON children
FOR EACH ROW EXECUTE FUNCTION set_updated_at();
