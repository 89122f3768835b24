-- Who exports an order right now (issue 23): an attempt takes the order's lease before it reads the order and gives
-- it back when it is done, holding a database connection only for each read or write in between. The lease lapses
-- when its holder stops renewing it (a process killed, frozen, or cut off from the database). Each grant has a
-- token of its own; the holder's writes (the invoice number, the flag) go through only while the row still
-- carries its token, so a holder whose lease lapsed and was taken over writes nothing. A row exists only while a
-- lease is held. V5: V4 is left to the cancellation migration of issue 24.
CREATE TABLE onec_exporter_leases (
    order_id   BIGINT PRIMARY KEY,
    token      BIGINT NOT NULL,
    holder     TEXT NOT NULL,         -- the process, host:pid, for an operator
    expires_at TIMESTAMPTZ NOT NULL   -- on the database's clock
);
