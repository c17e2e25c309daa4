-- Quests: small goals a child works towards ("finish 3 lessons this week").
CREATE TABLE quests (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    child_id     uuid        NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    quest_type   text        NOT NULL CHECK (quest_type IN ('daily', 'weekly', 'special')),
    -- A CHECK rather than an enum: adding a status later is one constraint
    -- swap, not ALTER TYPE ... ADD VALUE outside a transaction.
    status       text        NOT NULL DEFAULT 'available'
                             CHECK (status IN ('available', 'active', 'completed', 'expired')),
    progress     integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    expires_at   timestamptz,
    completed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- A completed quest must say when; any other status must not.
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

CREATE INDEX quests_child_id_idx ON quests (child_id);

ALTER TABLE quests ENABLE ROW LEVEL SECURITY;

CREATE TRIGGER quests_set_updated_at
BEFORE UPDATE ON quests
FOR EACH ROW EXECUTE FUNCTION set_updated_at();
