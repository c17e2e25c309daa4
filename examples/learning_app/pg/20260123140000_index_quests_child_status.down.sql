-- strata:no-transaction
DROP INDEX CONCURRENTLY quests_child_id_status_idx;
