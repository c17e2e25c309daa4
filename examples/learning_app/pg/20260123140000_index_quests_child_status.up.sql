-- strata:no-transaction
-- quests is busy by now: CONCURRENTLY builds the index without blocking
-- writes, and it cannot run inside a transaction. If it fails it leaves an
-- INVALID index behind: drop it, then run this again.
CREATE INDEX CONCURRENTLY quests_child_id_status_idx ON quests (child_id, status);
