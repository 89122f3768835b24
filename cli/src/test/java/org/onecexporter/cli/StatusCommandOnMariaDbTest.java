package org.onecexporter.cli;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link StatusCommandTest} on MariaDB/MySQL. */
@OnMariaDb
class StatusCommandOnMariaDbTest extends StatusCommandTest {
  StatusCommandOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
