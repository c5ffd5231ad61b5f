-- Progression (issue #5): progress per player and season, the processed-event ledger, inventory,
-- the reward catalogue as deployed, and receipts. MySQL 8 and MariaDB 10.11.

-- One row per player and season; totals only ever grow by applied (new) events.
CREATE TABLE IF NOT EXISTS player_progress (
  player_id VARCHAR(64) NOT NULL,
  season INT NOT NULL,
  xp BIGINT NOT NULL DEFAULT 0,
  boss_kills INT NOT NULL DEFAULT 0,
  max_boss_tier TINYINT NOT NULL DEFAULT 0,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (player_id, season)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The ledger: an eventId is applied at most once, whatever the bus redelivers.
CREATE TABLE IF NOT EXISTS processed_events (
  event_id CHAR(36) NOT NULL,
  player_id VARCHAR(64) NOT NULL,
  processed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (event_id),
  KEY processed_events_player (player_id, processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Drops claimed, per player, season and item.
CREATE TABLE IF NOT EXISTS inventory (
  player_id VARCHAR(64) NOT NULL,
  season INT NOT NULL,
  item VARCHAR(64) NOT NULL,
  qty BIGINT NOT NULL,
  PRIMARY KEY (player_id, season, item)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The reward catalogue as last deployed (REWARDS setting), so receipts can be audited against the
-- definition they were issued under even after the setting changes.
CREATE TABLE IF NOT EXISTS reward_catalog (
  reward_id VARCHAR(64) NOT NULL,
  definition JSON NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (reward_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Receipts: one per player and reward for claims (grant_id ''), one per grant id for grants.
CREATE TABLE IF NOT EXISTS receipts (
  receipt_id CHAR(36) NOT NULL,
  player_id VARCHAR(64) NOT NULL,
  reward_id VARCHAR(64) NOT NULL,
  grant_id VARCHAR(191) NOT NULL DEFAULT '',
  season INT NOT NULL,
  item VARCHAR(64) NOT NULL,
  qty BIGINT NOT NULL,
  kid VARCHAR(64) NOT NULL,
  jws TEXT NOT NULL,
  issued_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  redeemed_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (receipt_id),
  UNIQUE KEY receipts_once (player_id, reward_id, grant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
