package org.onecexporter.worker;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link SickWorkerTest} on MariaDB/MySQL. */
@OnMariaDb
class SickWorkerOnMariaDbTest extends SickWorkerTest {
  SickWorkerOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
