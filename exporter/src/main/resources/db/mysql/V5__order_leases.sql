-- Who exports an order right now (issue 23); the same table and meaning as the PostgreSQL one (db/migration).
-- expires_at is UTC, on the database's clock (UTC_TIMESTAMP). V5: V4 is left to the cancellation migration of issue 24.
CREATE TABLE onec_exporter_leases (
    order_id   BIGINT PRIMARY KEY,
    token      BIGINT NOT NULL,
    holder     VARCHAR(255) NOT NULL,
    expires_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
