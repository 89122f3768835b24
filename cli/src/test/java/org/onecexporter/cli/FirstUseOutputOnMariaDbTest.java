package org.onecexporter.cli;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link FirstUseOutputTest} on MariaDB/MySQL. */
@OnMariaDb
class FirstUseOutputOnMariaDbTest extends FirstUseOutputTest {
  FirstUseOutputOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
