package org.onecexporter.db;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** The order store's contract on MariaDB (10.6+) / MySQL (8.0+). */
@ExtendWith(MariaDbExtension.class)
class MariaDbOrderStoreTest extends OrderStoreContract {
  MariaDbOrderStoreTest(TestDatabase db) {
    super(db);
  }
}
