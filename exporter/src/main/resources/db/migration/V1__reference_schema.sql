-- The reference schema (issue "Foundation"). A shop inserts orders with plain SQL against these names.
CREATE TABLE orders (
    id                     BIGINT PRIMARY KEY,
    status                 TEXT NOT NULL,
    customer_name          TEXT,
    customer_phone         TEXT,
    customer_address       TEXT,
    delivery_cost          NUMERIC(14, 2) NOT NULL DEFAULT 0,
    paid_at                TIMESTAMPTZ,
    invoice_exported_to_1c BOOLEAN NOT NULL DEFAULT FALSE,
    invoice_number         TEXT UNIQUE,
    invoice_exported_at    TIMESTAMPTZ,
    -- Ours: what the customer paid, when the shop records it (the invoice total must equal it),
    -- and the 1C document the invoice became.
    total_amount           NUMERIC(14, 2),
    onec_document_id       TEXT,
    onec_document_number   TEXT
);

CREATE TABLE order_items (
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no  INT NOT NULL,
    articul  TEXT,
    name     TEXT,
    quantity NUMERIC(15, 3),
    price    NUMERIC(14, 2),
    PRIMARY KEY (order_id, line_no)
);

-- Per-year sequence behind INV-{year}-{n}; a row is created on the year's first invoice.
CREATE TABLE invoice_number_counters (
    year       INT PRIMARY KEY,
    last_value BIGINT NOT NULL
);

-- Paid orders still waiting for their invoice (the reconciler's query).
CREATE INDEX orders_paid_not_exported_idx ON orders (paid_at)
    WHERE status = 'paid' AND NOT invoice_exported_to_1c;
