-- Who exports an order right now (issue 23), as in the reference schema (db/migration/V5__order_leases.sql);
-- expires_at is UTC on the database's clock. V3: V2 is left to the cancellation migration of issue 24.
CREATE TABLE onec_exporter_leases (
    order_id   BIGINT PRIMARY KEY,
    token      BIGINT NOT NULL,
    holder     VARCHAR(255) NOT NULL,
    expires_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
