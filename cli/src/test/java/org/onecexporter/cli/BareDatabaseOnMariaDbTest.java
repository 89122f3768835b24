package org.onecexporter.cli;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link BareDatabaseTest} on MariaDB/MySQL. */
@OnMariaDb
class BareDatabaseOnMariaDbTest extends BareDatabaseTest {
  BareDatabaseOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
