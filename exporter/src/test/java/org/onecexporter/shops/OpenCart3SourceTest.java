package org.onecexporter.shops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.TestDatabase;

/** OpenCart 3.x (tables of release 3.0.4.1, see shops/opencart-3.sql). */
@ExtendWith({MariaDbLedgerExtension.class, EmulatorExtension.class})
class OpenCart3SourceTest extends OpenCartSourceContract {
  OpenCart3SourceTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }

  @BeforeAll
  static void schema(TestDatabase db) {
    platformSchema(db, "opencart-3.sql");
  }
}
