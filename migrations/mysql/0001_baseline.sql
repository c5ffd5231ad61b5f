-- Baseline schema. Applied migrations are immutable: change the schema in a new NNNN_*.sql file.
-- Statements end with ';' at the end of a line; MySQL 8 and MariaDB 10.11 must both accept them.

-- Leases for singleton jobs (leaderboard snapshots, season rollover): a worker owns `name` until
-- `expires_at` (UTC) and renews before then; another worker may take it over once it has expired.
CREATE TABLE IF NOT EXISTS app_locks (
  name VARCHAR(128) NOT NULL,
  owner VARCHAR(128) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
