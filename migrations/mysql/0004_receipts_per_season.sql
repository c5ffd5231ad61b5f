-- Issue #19 item 4c: a player's claim is unique per player, reward AND season (claiming the level-5
-- chest in season 2 is a new claim, not season 1's receipt again), while a grant stays unique per
-- grant id whatever season it names, so a retried leaderboard payout never pays twice even if
-- SEASON_ID changed in between. One unique key cannot hold both rules, so it takes a generated
-- column: the season for claims (grant_id ''), 0 for grants. MySQL 8 and MariaDB 10.11.
-- One ALTER: the new key replaces the old one atomically, never a moment without uniqueness.
ALTER TABLE receipts
  ADD COLUMN claim_season INT AS (CASE WHEN grant_id = '' THEN season ELSE 0 END) STORED,
  DROP INDEX receipts_once,
  ADD UNIQUE KEY receipts_once (player_id, reward_id, grant_id, claim_season);
