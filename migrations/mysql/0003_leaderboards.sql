-- Leaderboards (issue #6): the latest snapshot of each open period, and the final standings (the
-- hall of fame) of closed ones. MySQL 8 and MariaDB 10.11. `window` and `rank` are reserved words
-- in MySQL 8, hence the column names time_window and rank_no.

-- One row per open period: when its standings were last written and how many players it had.
-- Each snapshot replaces the period's rows, so running it twice leaves one copy.
CREATE TABLE IF NOT EXISTS lb_snapshots (
  board VARCHAR(32) NOT NULL,
  time_window VARCHAR(8) NOT NULL,
  period VARCHAR(16) NOT NULL,
  taken_at DATETIME(3) NOT NULL,
  players INT UNSIGNED NOT NULL,
  PRIMARY KEY (board, time_window, period),
  KEY lb_snapshots_taken (taken_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The top LB_TOPN of each open period as of its snapshot.
CREATE TABLE IF NOT EXISTS lb_snapshot_entries (
  board VARCHAR(32) NOT NULL,
  time_window VARCHAR(8) NOT NULL,
  period VARCHAR(16) NOT NULL,
  rank_no INT UNSIGNED NOT NULL,
  player_id VARCHAR(64) NOT NULL,
  score BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (board, time_window, period, rank_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A period is closed exactly once: this primary key decides when replicas race. `prizes` tracks
-- whether the configured prizes are owed ('pending') until every grant went through.
CREATE TABLE IF NOT EXISTS lb_closed_periods (
  board VARCHAR(32) NOT NULL,
  time_window VARCHAR(8) NOT NULL,
  period VARCHAR(16) NOT NULL,
  closed_at DATETIME(3) NOT NULL,
  players INT UNSIGNED NOT NULL,
  archived INT UNSIGNED NOT NULL,
  prizes ENUM('none', 'pending', 'granted') NOT NULL,
  prizes_granted_at DATETIME(3) NULL,
  PRIMARY KEY (board, time_window, period),
  KEY lb_closed_periods_prizes (prizes, closed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Final standings of closed periods (top LB_TOPN, deeper when a prize reaches further).
CREATE TABLE IF NOT EXISTS lb_hall_of_fame (
  board VARCHAR(32) NOT NULL,
  time_window VARCHAR(8) NOT NULL,
  period VARCHAR(16) NOT NULL,
  rank_no INT UNSIGNED NOT NULL,
  player_id VARCHAR(64) NOT NULL,
  score BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (board, time_window, period, rank_no),
  KEY lb_hall_of_fame_player (player_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
