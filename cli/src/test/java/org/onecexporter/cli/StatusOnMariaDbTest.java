package org.onecexporter.cli;

import org.onecexporter.testing.OnMariaDb;

/** Every test of {@link StatusCommandTest}, on the reference schema in MariaDB. */
@OnMariaDb
class StatusOnMariaDbTest extends StatusCommandTest {
  StatusOnMariaDbTest(org.onecexporter.testing.TestDatabase db,
      org.onecexporter.queue.testing.RedisExtension.TestRedis redis,
      org.onecexporter.emulator.EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
