package org.onecexporter.worker;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link WorkerProcessTest} on MariaDB/MySQL. */
@OnMariaDb
class WorkerProcessOnMariaDbTest extends WorkerProcessTest {
  WorkerProcessOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
