package org.onecexporter.history;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/** The attempt history on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class AttemptHistoryTest extends AttemptHistoryContract {
  AttemptHistoryTest(TestDatabase db, EmulatorServer emulator) {
    super(db, emulator);
  }
}
