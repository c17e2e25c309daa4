DROP TRIGGER quests_set_updated_at;
DROP INDEX quests_child_id_idx;
DROP TABLE quests;
