-- The reference schema on MariaDB (10.6+) / MySQL (8.0+): the same tables and meanings as the PostgreSQL one
-- (db/migration). Times: TIMESTAMP columns, which the server keeps in UTC whatever the writing session's zone
-- (the exporter's sessions run with time_zone '+00:00').
CREATE TABLE orders (
    id                     BIGINT PRIMARY KEY,
    status                 VARCHAR(64) NOT NULL,
    customer_name          TEXT,
    customer_phone         TEXT,
    customer_address       TEXT,
    delivery_cost          DECIMAL(14, 2) NOT NULL DEFAULT 0,
    paid_at                TIMESTAMP(6) NULL DEFAULT NULL,
    invoice_exported_to_1c BOOLEAN NOT NULL DEFAULT FALSE,
    invoice_number         VARCHAR(64) UNIQUE,
    invoice_exported_at    TIMESTAMP(6) NULL DEFAULT NULL,
    -- Ours: what the customer paid, when the shop records it (the invoice total must equal it),
    -- and the 1C document the invoice became.
    total_amount           DECIMAL(14, 2),
    onec_document_id       VARCHAR(255),
    onec_document_number   VARCHAR(255),
    -- Paid orders still waiting for their invoice, by id (the reconciler's query; no partial indexes here).
    KEY orders_paid_not_exported_idx (status, invoice_exported_to_1c, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE order_items (
    order_id BIGINT NOT NULL,
    line_no  INT NOT NULL,
    articul  VARCHAR(255),
    name     TEXT,
    quantity DECIMAL(15, 3),
    price    DECIMAL(14, 2),
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Per-year sequence behind INV-{year}-{n}; a row is created on the year's first invoice.
CREATE TABLE invoice_number_counters (
    year       INT PRIMARY KEY,
    last_value BIGINT NOT NULL
) ENGINE = InnoDB;
