-- The exporter's own tables beside a platform's schema (ORDER_SOURCE woocommerce, opencart, bitrix, sql): the
-- platform's tables are only read. Nothing here refers to them.

-- Per order: the invoice number fixed before the first call to 1C, the flag set after 1C said yes, and the
-- 1C document the invoice became. A row appears when an order's first export fixes its number.
CREATE TABLE onec_exporter_ledger (
    order_id               BIGINT PRIMARY KEY,
    invoice_number         TEXT UNIQUE,
    invoice_exported_to_1c BOOLEAN NOT NULL DEFAULT FALSE,
    invoice_exported_at    TIMESTAMPTZ,
    onec_document_id       TEXT,
    onec_document_number   TEXT
);

-- Per-year sequence behind INV-{year}-{n}.
CREATE TABLE invoice_number_counters (
    year       INT PRIMARY KEY,
    last_value BIGINT NOT NULL
);

-- Every attempt of every export, as in the reference schema.
CREATE TABLE export_attempts (
    id                   BIGSERIAL PRIMARY KEY,
    order_id             BIGINT NOT NULL,
    invoice_number       TEXT,
    attempt              INT NOT NULL,
    actor                TEXT NOT NULL,
    started_at           TIMESTAMPTZ NOT NULL,
    finished_at          TIMESTAMPTZ NOT NULL,
    outcome              TEXT NOT NULL,
    http_status          INT,
    error                TEXT,
    onec_document_id     TEXT,
    onec_document_number TEXT,
    permit_wait_ms       INT,
    trace_id             TEXT
);
CREATE INDEX export_attempts_order_idx ON export_attempts (order_id, started_at);
CREATE INDEX export_attempts_finished_brin ON export_attempts USING brin (finished_at);
