package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.client.codec.StringCodec;

/**
 * Concurrent single enqueues share Redis calls (issue 15): callers arriving while a call is on the wire go in the
 * next one (enqueue_all.lua), and each still gets its own answer, its own traceparent on its job, its own failure.
 */
@ExtendWith(RedisExtension.class)
class CoalescedEnqueueTest {
  private static final int THREADS = 64;
  private static final int PER_THREAD = 100;
  private final JobQueue queue;
  private final TestRedis redis;

  CoalescedEnqueueTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  private static String trace(int id) {
    return String.format("00-%032x-%016x-01", id, id);
  }

  private List<String> ready() {
    return redis.client().<String>getList(queue.keys().ready(), StringCodec.INSTANCE).readAll();
  }

  @Test
  void a_lone_caller_sends_its_enqueue_at_once_in_one_call() {
    long before = queue.scriptCalls();
    assertThat(queue.enqueue("1", "enqueuer", trace(1)).queued()).isTrue();
    assertThat(queue.enqueue("1", "enqueuer", trace(1))).isEqualTo(new EnqueueResult(false, "ready"));
    assertThat(queue.scriptCalls() - before).isEqualTo(2);
  }

  @Test
  void many_callers_share_calls_and_each_gets_its_own_answer_and_traceparent() throws Exception {
    // Every id is asked for by two threads (thread t and t + THREADS/2 send the same ids), one with a traceparent.
    Map<String, List<EnqueueResult>> answers = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    long before = queue.scriptCalls();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int lane = t % (THREADS / 2);
        boolean traced = t < THREADS / 2;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < PER_THREAD; i++) {
            int id = 1 + lane * PER_THREAD + i;
            EnqueueResult r = queue.enqueue(Integer.toString(id), traced ? "payment" : "cli",
                traced ? trace(id) : null);
            answers.computeIfAbsent(Integer.toString(id), k -> java.util.Collections.synchronizedList(
                new ArrayList<>())).add(r);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    int orders = THREADS / 2 * PER_THREAD;
    long calls = queue.scriptCalls() - before;
    assertThat(calls).as("script calls for %d enqueues", orders * 2).isLessThan(orders); // shared, not one each
    assertThat(answers).hasSize(orders);
    for (var e : answers.entrySet()) {
      // one caller queued it, the other found its job
      assertThat(e.getValue()).as(e.getKey()).hasSize(2)
          .containsExactlyInAnyOrder(new EnqueueResult(true, "ready"), new EnqueueResult(false, "ready"));
    }
    List<String> ready = ready();
    assertThat(ready).hasSize(orders);
    assertThat(new HashSet<>(ready)).hasSize(orders);
    // The traceparent is the traced caller's, on its own job, whichever caller queued it.
    int traced = 0;
    for (int id = 1; id <= orders; id++) {
      Map<String, String> job = queue.job(Integer.toString(id));
      String source = job.get("source");
      if (source.equals("payment")) {
        assertThat(job.get("traceparent")).as("order %d", id).isEqualTo(trace(id));
        traced++;
      } else {
        assertThat(source).isEqualTo("cli");
        assertThat(job).as("order %d", id).doesNotContainKey("traceparent");
      }
    }
    assertThat(traced).isPositive();
  }

  @Test
  void a_redis_failure_fails_every_waiting_caller_and_the_next_calls_work_again() throws Exception {
    // The ready list turned into a string: every script that LPUSHes to it gets a WRONGTYPE error from Redis.
    redis.client().getBucket(queue.keys().ready(), StringCodec.INSTANCE).set("not a list");
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    long before = queue.scriptCalls();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int lane = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20; i++) {
            try {
              queue.enqueue(Integer.toString(1 + lane * 20 + i), "payment", null);
              other.incrementAndGet();
            } catch (QueueUnavailableException e) {
              failed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    assertThat(other.get()).as("answered without an error").isZero();
    assertThat(failed.get()).isEqualTo(THREADS * 20);
    assertThat(queue.scriptCalls() - before).isLessThan(THREADS * 20);
    // Redis fine again: the queue goes on (nothing stuck 'on the wire'). (The failed scripts wrote their job
    // records before the LPUSH failed: the reconciler re-homes such records; a fresh order here.)
    redis.client().getBucket(queue.keys().ready(), StringCodec.INSTANCE).delete();
    assertThat(queue.enqueue("999999", "payment", trace(9)).queued()).isTrue();
    assertThat(queue.job("999999")).containsEntry("traceparent", trace(9));
  }

  @Test
  void the_bulk_enqueue_records_no_traceparent_and_answers_per_id() {
    List<EnqueueResult> r = queue.enqueueAll(List.of("5", "6", "5"), "cli");
    assertThat(r).containsExactly(new EnqueueResult(true, "ready"), new EnqueueResult(true, "ready"),
        new EnqueueResult(false, "ready"));
    assertThat(queue.job("5")).doesNotContainKey("traceparent").containsEntry("source", "cli");
  }
}
