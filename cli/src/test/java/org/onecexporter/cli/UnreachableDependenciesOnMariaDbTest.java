package org.onecexporter.cli;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link UnreachableDependenciesTest} on MariaDB/MySQL. */
@OnMariaDb
class UnreachableDependenciesOnMariaDbTest extends UnreachableDependenciesTest {
  UnreachableDependenciesOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
