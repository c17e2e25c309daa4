-- Teachers asked to filter lessons by difficulty. Since PostgreSQL 11 a
-- constant default makes this a catalogue-only change: no table rewrite.
ALTER TABLE lessons
    ADD COLUMN difficulty text NOT NULL DEFAULT 'medium'
        CHECK (difficulty IN ('easy', 'medium', 'hard'));
