package org.onecexporter.cli;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link CliEndToEndTest} on MariaDB/MySQL. */
@OnMariaDb
class CliEndToEndOnMariaDbTest extends CliEndToEndTest {
  CliEndToEndOnMariaDbTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }
}
