DROP TABLE quests;
