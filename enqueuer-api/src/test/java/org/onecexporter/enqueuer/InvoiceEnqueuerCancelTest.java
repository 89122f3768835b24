package org.onecexporter.enqueuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/** The library's door for a refund (issue 24): {@code cancel(id)} queues {@code cancel:<id>} beside the export. */
@ExtendWith(RedisExtension.class)
class InvoiceEnqueuerCancelTest {
  @Test
  void cancel_queues_the_orders_cancel_job_once_beside_its_export_job(TestRedis redis) {
    // not closed: it shares the test class's Redis client
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(
        new LazyQueue(redis::client, redis.queue().keys(), Duration.ofSeconds(1)));
    assertThat(enqueuer.enqueue(8101)).isEqualTo(EnqueueStatus.QUEUED);
    assertThat(enqueuer.cancel(8101)).as("its own job: no collision with the export's")
        .isEqualTo(EnqueueStatus.QUEUED);
    assertThat(enqueuer.cancel(8101)).as("twice is once").isEqualTo(EnqueueStatus.ALREADY_QUEUED);
    assertThat(redis.queue().job("cancel:8101")).containsEntry("state", "ready");
    assertThat(redis.queue().job("8101")).containsEntry("state", "ready");
    assertThat(redis.queue().stats().ready()).isEqualTo(2);
    assertThatThrownBy(() -> enqueuer.cancel(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
