package org.onecexporter.console;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/** The console's charts on PostgreSQL. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class ChartsOnPostgresTest extends ChartsContract {
  ChartsOnPostgresTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
