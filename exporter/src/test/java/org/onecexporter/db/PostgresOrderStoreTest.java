package org.onecexporter.db;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/** The order store's contract on PostgreSQL (13+; the idle-session limit needs 14+). */
@ExtendWith(PostgresExtension.class)
class PostgresOrderStoreTest extends OrderStoreContract {
  PostgresOrderStoreTest(TestDatabase db) {
    super(db);
  }
}
