DROP TRIGGER children_set_updated_at;
DROP INDEX children_parent_id_idx;
DROP TABLE children;
