-- Teachers asked to filter lessons by difficulty. ADD COLUMN needs a constant
-- default for NOT NULL, so existing lessons start as 'medium'. A column CHECK
-- is fine here (and still lets the down DROP COLUMN).
ALTER TABLE lessons
    ADD COLUMN difficulty TEXT NOT NULL DEFAULT 'medium'
        CHECK (difficulty IN ('easy', 'medium', 'hard'));
