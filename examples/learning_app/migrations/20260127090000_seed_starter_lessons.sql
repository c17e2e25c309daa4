-- strata:up
-- Data migration: every new install needs a few published lessons so a child
-- has something to start with. Slugs identify the rows for the down.
INSERT INTO lessons (slug, title, subject, grade_level, difficulty, is_published, content_markdown)
VALUES
    ('counting-to-20', 'Counting to 20', 'math', 0, 'easy', 1,
     'Count from 1 to 20; then count back down.'),
    ('adding-within-10', 'Adding within 10', 'math', 1, 'easy', 1,
     'Put two groups together; how many are there now?'),
    ('short-vowels', 'Short vowel sounds', 'reading', 1, 'medium', 1,
     'Say: cat, bed, pig, hot, sun.'),
    ('plant-needs', 'What plants need', 'science', 2, 'medium', 1,
     'Water, light, air and soil.'),
    ('naming-feelings', 'Naming feelings', 'wellbeing', 0, 'easy', 1,
     'Happy, sad, angry, calm: which one is yours today?');

-- strata:down
-- Removes exactly the rows the up added. Progress on them goes too
-- (ON DELETE CASCADE when foreign keys are on), which is what undoing means.
DELETE FROM lessons
 WHERE slug IN ('counting-to-20', 'adding-within-10', 'short-vowels',
                'plant-needs', 'naming-feelings');
