-- The exporter's own tables beside a platform's schema (ORDER_SOURCE woocommerce, opencart, bitrix, sql): the
-- platform's tables are only read. Nothing here refers to them. Times are UTC, written by the exporter.

-- Per order: the invoice number fixed before the first call to 1C, the flag set after 1C said yes, and the
-- 1C document the invoice became. A row appears when an order's first export fixes its number.
CREATE TABLE onec_exporter_ledger (
    order_id               BIGINT PRIMARY KEY,
    invoice_number         VARCHAR(64) UNIQUE,
    invoice_exported_to_1c BOOLEAN NOT NULL DEFAULT FALSE,
    invoice_exported_at    DATETIME(6),
    onec_document_id       VARCHAR(255),
    onec_document_number   VARCHAR(255)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Per-year sequence behind INV-{year}-{n}.
CREATE TABLE invoice_number_counters (
    year       INT PRIMARY KEY,
    last_value BIGINT NOT NULL
) ENGINE = InnoDB;

-- Every attempt of every export, as in the reference schema.
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
    trace_id             VARCHAR(64),
    KEY export_attempts_order_idx (order_id, started_at),
    KEY export_attempts_finished_idx (finished_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
