package org.onecexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.json.Json;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/** The weekend bench's Redis memory figure, on a real Redis: job records plus the list entries, per job. */
@ExtendWith(RedisExtension.class)
class WeekendOutageTest {
  @Test
  void memory_per_waiting_job_is_measured_with_memory_usage(TestRedis redis) {
    redis.queue().deleteAll();
    for (int id = 1; id <= 200; id++) {
      redis.queue().enqueue(Integer.toString(id), "weekend");
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    WeekendOutage.memoryPerJob(redis.client(), redis.queue().keys(), 200, out);
    // A job record of a few fields is a small hash (listpack): a few hundred bytes with Redis's own overhead.
    assertThat(out.get("job_record_bytes").asLong()).isBetween(60L, 1_000L);
    assertThat(out.get("queue_entry_bytes").asDouble()).isPositive().isLessThan(100.0);
    assertThat(out.get("bytes_per_job").asLong()).isCloseTo(
        out.get("job_record_bytes").asLong() + Math.round(out.get("queue_entry_bytes").asDouble()), within(1L));
    assertThat(out.get("record_fields").asText()).contains("state", "enqueued_at").doesNotContain("order_id");
    redis.queue().deleteAll();
  }
}
