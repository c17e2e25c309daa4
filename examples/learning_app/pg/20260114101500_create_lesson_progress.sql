-- strata:up
-- One row per child and lesson: the best score so far and when it was reached.
CREATE TABLE lesson_progress (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    child_id     uuid        NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    lesson_id    uuid        NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    score        integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
    completed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Retrying a lesson updates the row; the app upserts on this key.
    CONSTRAINT lesson_progress_child_lesson_key UNIQUE (child_id, lesson_id)
);

-- child_id leads the unique index above, which serves it; lesson_id needs
-- its own.
CREATE INDEX lesson_progress_lesson_id_idx ON lesson_progress (lesson_id);

ALTER TABLE lesson_progress ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER lesson_progress_set_updated_at
BEFORE UPDATE ON lesson_progress
FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- strata:down
DROP TABLE lesson_progress;
