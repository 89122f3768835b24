package org.onecexporter.cli;

import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link ConsoleStartupTest} on MariaDB/MySQL. */
@OnMariaDb
class ConsoleStartupOnMariaDbTest extends ConsoleStartupTest {
  ConsoleStartupOnMariaDbTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
