-- Teachers asked to filter lessons by difficulty. Since PostgreSQL 11 a
-- constant default makes this a catalogue-only change: no table rewrite.
-- The CHECK does read every row under the ACCESS EXCLUSIVE lock; lessons is
-- a few hundred rows of teacher-written content, so that scan is brief. On a
-- big table: ADD CONSTRAINT ... NOT VALID here, VALIDATE in a later migration.
-- strata:ignore constraint-without-not-valid lessons is small (hundreds of rows)
ALTER TABLE lessons
    ADD COLUMN difficulty text NOT NULL DEFAULT 'medium'
        CHECK (difficulty IN ('easy', 'medium', 'hard'));
