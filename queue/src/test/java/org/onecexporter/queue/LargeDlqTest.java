package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A DLQ nobody emptied for months: 100,000 entries. An O(N) operation on it runs in bounded steps, so the payment
 * path's enqueue, which waits for whatever script Redis is running, never waits for the whole DLQ.
 */
@ExtendWith(RedisExtension.class)
class LargeDlqTest {
  private static final int ENTRIES = 100_000;
  private final JobQueue queue;
  private final RedissonClient client;

  LargeDlqTest(TestRedis redis) {
    this.queue = redis.queue();
    this.client = redis.client();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  /** ENTRIES dead jobs as deadletter.lua leaves them (record and entry), written by a Lua loop in a few calls. */
  private void fillDlq() {
    String fill = """
        for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
          local id = tostring(i)
          redis.call('HSET', ARGV[1] .. ':job:' .. id, 'order_id', id, 'state', 'dead', 'reason', 'exhausted',
            'attempts', 8, 'last_error', 'HTTP 503 from 1C: service unavailable')
          redis.call('LPUSH', KEYS[1], '{"order_id":"' .. id .. '","reason":"exhausted","attempts":8,'
            .. '"last_error":"HTTP 503 from 1C: service unavailable","last_http_status":503}')
        end
        redis.call('HINCRBY', ARGV[1] .. ':dlq_reasons', 'exhausted', tonumber(ARGV[3]) - tonumber(ARGV[2]) + 1)
        return 1""";
    RScript script = client.getScript(StringCodec.INSTANCE);
    for (int from = 1; from <= ENTRIES; from += 20_000) {
      script.eval(queue.keys().legacyDlq(), RScript.Mode.READ_WRITE, fill, RScript.ReturnType.LONG,
          List.of(queue.keys().legacyDlq()), queue.keys().prefix(), Integer.toString(from),
          Integer.toString(from + 19_999));
    }
    assertThat(queue.deadLetters().length()).isEqualTo(ENTRIES);
  }

  @Test
  void purging_a_large_dlq_never_holds_an_enqueue_for_the_whole_dlq() throws Exception {
    fillDlq();
    queue.enqueue("warm-up", "test"); // the enqueue script's first call, not measured
    AtomicBoolean purging = new AtomicBoolean(true);
    AtomicLong worstNanos = new AtomicLong();
    AtomicLong enqueues = new AtomicLong();
    CompletableFuture<Void> payments = CompletableFuture.runAsync(() -> {
      for (int i = 0; purging.get(); i++) {
        long start = System.nanoTime();
        queue.enqueue("pay-" + i, "test");
        worstNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        enqueues.incrementAndGet();
      }
    });
    long purged;
    long started = System.nanoTime();
    try {
      purged = queue.deadLetters().purge();
    } finally {
      purging.set(false);
    }
    long purgeNanos = System.nanoTime() - started;
    payments.get();

    assertThat(purged).isEqualTo(ENTRIES);
    assertThat(queue.deadLetters().length()).isZero();
    assertThat(queue.deadLetters().reasons()).isEmpty();
    assertThat(queue.job("1")).isEmpty();
    assertThat(queue.job(Integer.toString(ENTRIES))).isEmpty();
    assertThat(enqueues.get()).isPositive();
    // In one script call the purge held every enqueue for all of its time (1.8 s here); in bounded steps an
    // enqueue waits for one step at most. Relative to the purge's own time, so that a loaded machine does not decide.
    assertThat(worstNanos.get()).as("the longest enqueue during the purge (ns) vs a fifth of the purge's time")
        .isLessThan(purgeNanos / 5);
  }
}
