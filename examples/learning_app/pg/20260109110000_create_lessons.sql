-- strata:up
-- The lesson catalogue, shared by every child.
CREATE TABLE lessons (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stable key for links and for data migrations that must find a lesson.
    slug             text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    title            text        NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    subject          text        NOT NULL CHECK (subject IN ('math', 'reading', 'science', 'wellbeing')),
    grade_level      integer     NOT NULL CHECK (grade_level BETWEEN 0 AND 12),
    content_markdown text        NOT NULL DEFAULT '',
    -- Drafts stay hidden from children until an editor publishes them.
    is_published     boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE lessons ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER lessons_set_updated_at
BEFORE UPDATE ON lessons
FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- strata:down
DROP TABLE lessons;
