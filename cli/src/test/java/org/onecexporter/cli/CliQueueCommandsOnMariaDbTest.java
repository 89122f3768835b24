package org.onecexporter.cli;

import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link CliQueueCommandsTest} on MariaDB/MySQL. */
@OnMariaDb
class CliQueueCommandsOnMariaDbTest extends CliQueueCommandsTest {
  CliQueueCommandsOnMariaDbTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
