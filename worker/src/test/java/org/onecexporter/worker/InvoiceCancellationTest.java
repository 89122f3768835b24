package org.onecexporter.worker;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;

/** {@link InvoiceCancellationContract} on PostgreSQL. */
@ExtendWith({PostgresExtension.class, RedisExtension.class, EmulatorExtension.class})
class InvoiceCancellationTest extends InvoiceCancellationContract {
  InvoiceCancellationTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis.queue(), emulator);
  }
}
