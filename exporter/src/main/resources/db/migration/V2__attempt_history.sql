-- Every attempt of every export (workers and the command line), for "where is my invoice?" (issue 12).
-- Our own table: no foreign key to orders, so it works beside a view-based orders schema too (README).
-- Written in batches by org.onecexporter.history.AttemptHistory; pruned after ATTEMPT_HISTORY_DAYS by the
-- fleet's reconciler leader.
CREATE TABLE export_attempts (
    id                   BIGSERIAL PRIMARY KEY,
    order_id             BIGINT NOT NULL,
    invoice_number       TEXT,
    attempt              INT NOT NULL,
    actor                TEXT NOT NULL,          -- the worker id, or 'cli'
    started_at           TIMESTAMPTZ NOT NULL,
    finished_at          TIMESTAMPTZ NOT NULL,
    outcome              TEXT NOT NULL,          -- exported, already_exported, rejected_*, transient_failure, ...
    http_status          INT,                    -- 1C's answer; NULL when 1C was not called
    error                TEXT,                   -- short, masked the same way as the DLQ entry
    onec_document_id     TEXT,
    onec_document_number TEXT,
    permit_wait_ms       INT                     -- waiting for a fleet-wide 1C permit before the call
);

-- An order's attempts (the console's order page, 'status'). Kept to one B-tree: every export writes a row.
CREATE INDEX export_attempts_order_idx ON export_attempts (order_id, started_at);
-- Pruning and the overview's last minutes: rows arrive in time order, so a BRIN index (a few pages, almost free
-- to maintain) finds the old or recent ones.
CREATE INDEX export_attempts_finished_brin ON export_attempts USING brin (finished_at);
