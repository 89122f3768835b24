package org.onecexporter.worker;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link TracingProcessTest} on MariaDB/MySQL. */
@OnMariaDb
class TracingProcessOnMariaDbTest extends TracingProcessTest {
  TracingProcessOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
