-- Issue #19 item 6: processed_events grew forever. The ledgerPrune timer deletes rows older than
-- LEDGER_RETENTION_DAYS, oldest first in small batches; this index makes each batch a range scan
-- of the oldest rows instead of a full table scan. MySQL 8 and MariaDB 10.11.
ALTER TABLE processed_events ADD KEY processed_events_at (processed_at);
