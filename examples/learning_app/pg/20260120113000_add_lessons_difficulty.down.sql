-- Takes the column's CHECK constraint with it.
ALTER TABLE lessons DROP COLUMN difficulty;
