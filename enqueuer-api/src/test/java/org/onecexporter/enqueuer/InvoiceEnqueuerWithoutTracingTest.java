package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/** No SDK configured (the API's no-op): nothing to record unless the caller gives a traceparent. */
@ExtendWith(RedisExtension.class)
class InvoiceEnqueuerWithoutTracingTest {
  @Test
  void records_no_trace_without_one_and_the_given_one_as_is(TestRedis redis) {
    // not closed: it shares the test class's Redis client
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(
        new LazyQueue(redis::client, redis.queue().keys(), Duration.ofSeconds(1)));
    {
      assertThat(enqueuer.enqueue(8001)).isEqualTo(EnqueueStatus.QUEUED);
      assertThat(redis.queue().job("8001")).doesNotContainKey("traceparent").containsEntry("state", "ready");
      String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      assertThat(enqueuer.enqueue(8002, given)).isEqualTo(EnqueueStatus.QUEUED);
      assertThat(redis.queue().job("8002")).containsEntry("traceparent", given);
    }
  }

  @Test
  void works_for_a_payment_processor_without_the_opentelemetry_api(TestRedis redis) throws Exception {
    String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.contains("opentelemetry")).collect(java.util.stream.Collectors.joining(
            java.io.File.pathSeparator));
    String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    ProcessBuilder builder = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classpath, WithoutOpenTelemetryMain.class.getName(), "8003", given);
    builder.environment().put("REDIS_URL", redis.url());
    builder.environment().put("QUEUE_PREFIX", redis.prefix());
    // What is tested is the absent API, not the payment path's 500 ms budget: a loaded machine (parallel builds)
    // took longer than that to open the child JVM's first connection.
    builder.environment().put("ENQUEUER_REDIS_TIMEOUT_MS", "10000");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(output).as(output).contains("opentelemetry_absent=true status=QUEUED");
    assertThat(redis.queue().job("8003")).containsEntry("traceparent", given).containsEntry("state", "ready");
  }
}
