package org.onecexporter.worker;

import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** {@link InvoiceCancellationContract} on MariaDB. */
@ExtendWith({MariaDbExtension.class, RedisExtension.class, EmulatorExtension.class})
class MariaDbInvoiceCancellationTest extends InvoiceCancellationContract {
  MariaDbInvoiceCancellationTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis.queue(), emulator);
  }
}
