package org.onecexporter.worker;

import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.OnMariaDb;
import org.onecexporter.testing.TestDatabase;

/** {@link WorkerTracingTest} on MariaDB/MySQL. */
@OnMariaDb
class WorkerTracingOnMariaDbTest extends WorkerTracingTest {
  /**
   * An SDK of its own: the inherited one is closed once WorkerTracingTest ran in the same JVM, and then no span
   * reaches its exporter (the test waited out its minute). Registered after the inherited one, so it is the global.
   */
  @org.junit.jupiter.api.extension.RegisterExtension
  static final io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension OWN_OTEL =
      io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension.create();

  @Override
  io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension otel() {
    return OWN_OTEL;
  }

  WorkerTracingOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    super(db, redis, emulator);
  }
}
