-- An order's invoice cancelled in 1C after a refund or a cancellation (issue 24); as db/migration/V4 on
-- PostgreSQL: a table of ours beside orders, with the cancellation columns only. Times are UTC.
CREATE TABLE onec_exporter_ledger (
    order_id                    BIGINT PRIMARY KEY,
    invoice_cancel_requested_at DATETIME(6) NULL,
    invoice_cancelled_at        DATETIME(6) NULL,
    invoice_cancel_answer       VARCHAR(64) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
