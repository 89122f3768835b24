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
}
