package org.onecexporter.console;

import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link ConsoleApiTest} on MariaDB/MySQL. */
@OnMariaDb
class ConsoleApiOnMariaDbTest extends ConsoleApiTest {
  ConsoleApiOnMariaDbTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
