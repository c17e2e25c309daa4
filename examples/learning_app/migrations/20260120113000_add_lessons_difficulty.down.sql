-- SQLite 3.35+ can drop a column that has no index, FK, UNIQUE or
-- table-level CHECK on it; keep it that way or this down needs a rebuild.
ALTER TABLE lessons DROP COLUMN difficulty;
