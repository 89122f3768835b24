package org.onecexporter.worker;

import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link ReconcilerTest} on MariaDB/MySQL. */
@OnMariaDb
class ReconcilerOnMariaDbTest extends ReconcilerTest {
  ReconcilerOnMariaDbTest(TestDatabase db, TestRedis redis) {
    super(db, redis);
  }
}
