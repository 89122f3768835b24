package org.onecexporter.history;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** The attempt history on MariaDB/MySQL. */
@ExtendWith(MariaDbExtension.class)
class MariaDbAttemptHistoryTest extends AttemptHistoryContract {
  MariaDbAttemptHistoryTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }
}
