package org.onecexporter.export;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link OneCExporterTest} on MariaDB/MySQL. */
@OnMariaDb
class OneCExporterOnMariaDbTest extends OneCExporterTest {
  OneCExporterOnMariaDbTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }
}
