package org.onecexporter.export;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link InvoiceCancelInDoubtTest} on MariaDB/MySQL. */
@OnMariaDb
class InvoiceCancelInDoubtOnMariaDbTest extends InvoiceCancelInDoubtTest {
  InvoiceCancelInDoubtOnMariaDbTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }
}
