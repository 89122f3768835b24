package org.onecexporter.shops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.TestDatabase;

/** OpenCart 4.x (tables of release 4.1.0.3, see shops/opencart-4.sql). */
@ExtendWith({MariaDbLedgerExtension.class, EmulatorExtension.class})
class OpenCart4SourceTest extends OpenCartSourceContract {
  OpenCart4SourceTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }

  @BeforeAll
  static void schema(TestDatabase db) {
    platformSchema(db, "opencart-4.sql");
  }
}
