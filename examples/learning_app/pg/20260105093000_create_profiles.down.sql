-- Table first (it takes its trigger and index along), then the function the
-- trigger used.
DROP TABLE profiles;
DROP FUNCTION set_updated_at();
