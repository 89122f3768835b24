-- Every attempt of every export (workers and the command line); our own table, no foreign key to orders.
-- Times are UTC, written by the exporter.
CREATE TABLE export_attempts (
    id                   BIGINT AUTO_INCREMENT PRIMARY KEY,
    order_id             BIGINT NOT NULL,
    invoice_number       VARCHAR(64),
    attempt              INT NOT NULL,
    actor                VARCHAR(255) NOT NULL,
    started_at           DATETIME(6) NOT NULL,
    finished_at          DATETIME(6) NOT NULL,
    outcome              VARCHAR(64) NOT NULL,
    http_status          INT,
    error                TEXT,
    onec_document_id     VARCHAR(255),
    onec_document_number VARCHAR(255),
    permit_wait_ms       INT,
    KEY export_attempts_order_idx (order_id, started_at),
    KEY export_attempts_finished_idx (finished_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
