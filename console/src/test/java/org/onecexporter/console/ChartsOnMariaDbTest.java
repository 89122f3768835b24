package org.onecexporter.console;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** The console's charts on MariaDB/MySQL. */
@ExtendWith({MariaDbExtension.class, RedisExtension.class})
class ChartsOnMariaDbTest extends ChartsContract {
  ChartsOnMariaDbTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
