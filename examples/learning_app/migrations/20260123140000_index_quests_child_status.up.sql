-- The child's home screen lists "active quests"; with many finished quests
-- per child the plain child_id index still reads them all. This composite
-- index answers (child_id, status) directly.
CREATE INDEX quests_child_id_status_idx ON quests (child_id, status);
