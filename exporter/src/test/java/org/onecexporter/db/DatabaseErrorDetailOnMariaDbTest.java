package org.onecexporter.db;

import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link DatabaseErrorDetailTest} on MariaDB/MySQL. */
@OnMariaDb
class DatabaseErrorDetailOnMariaDbTest extends DatabaseErrorDetailTest {
  DatabaseErrorDetailOnMariaDbTest(TestDatabase db) {
    super(db);
  }
}
