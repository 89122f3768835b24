-- Who exports an order right now (issue 23), as in the reference schema (db/migration/V5__order_leases.sql): a
-- lease with a token per grant, renewed by its holder, lapsing when the holder stops renewing it; a row only while
-- held. V3: V2 is left to the cancellation migration of issue 24.
CREATE TABLE onec_exporter_leases (
    order_id   BIGINT PRIMARY KEY,
    token      BIGINT NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
