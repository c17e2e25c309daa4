-- The trigger goes with the table, but drop it by name so the undo is explicit.
DROP TRIGGER profiles_set_updated_at;
DROP TABLE profiles;
