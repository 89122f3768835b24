-- An order's invoice cancelled in 1C after a refund or a cancellation (issue 24); the columns as in the PostgreSQL
-- ledger (db/ledger/postgresql/V2). Times are UTC, written by the exporter.
ALTER TABLE onec_exporter_ledger
    ADD COLUMN invoice_cancel_requested_at DATETIME(6) NULL,
    ADD COLUMN invoice_cancelled_at        DATETIME(6) NULL,
    ADD COLUMN invoice_cancel_answer       VARCHAR(64) NULL;
