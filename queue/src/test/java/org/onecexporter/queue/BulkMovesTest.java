package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.client.codec.StringCodec;

/**
 * The bulk moves (issue 15): many orders in few script calls, with the one-job-per-order rule of the single ones.
 */
@ExtendWith(RedisExtension.class)
class BulkMovesTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;
  private final TestRedis redis;

  BulkMovesTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  private long callsDuring(Runnable r) {
    long before = queue.scriptCalls();
    r.run();
    return queue.scriptCalls() - before;
  }

  private List<String> ready() {
    return redis.client().<String>getList(queue.keys().ready(), StringCodec.INSTANCE).readAll();
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add(Integer.toString(i));
    }
    return ids;
  }

  @Test
  void enqueue_all_queues_2000_orders_in_two_calls_one_job_each() {
    for (String id : ids(1, 100)) {
      queue.enqueue(id, "enqueuer"); // already queued: left as they are
    }
    ClaimedJob active = queue.claim(LEASE, "w", 1).jobs().get(0); // order 1, active
    List<String> ids = ids(1, 2000);
    ids.set(1500, "1499"); // an id twice in one batch: queued once
    List<EnqueueResult> results = new ArrayList<>();
    long calls = callsDuring(() -> results.addAll(queue.enqueueAll(ids, "cli")));

    assertThat(calls).isEqualTo(2);
    assertThat(results).hasSize(2000);
    assertThat(results.get(0)).isEqualTo(new EnqueueResult(false, "active"));
    assertThat(results.get(1)).isEqualTo(new EnqueueResult(false, "ready"));
    assertThat(results.get(100)).isEqualTo(new EnqueueResult(true, "ready"));
    assertThat(results.get(1498)).isEqualTo(new EnqueueResult(true, "ready"));
    assertThat(results.get(1500)).isEqualTo(new EnqueueResult(false, "ready"));
    assertThat(results.stream().filter(EnqueueResult::queued)).hasSize(1899); // 1999 distinct ids (1501 missing), 100 had jobs
    List<String> ready = ready();
    assertThat(ready).hasSize(2000 - 1 - 1).doesNotHaveDuplicates().doesNotContain("1", "1501");
    assertThat(queue.job("1499")).containsEntry("state", "ready").containsEntry("source", "cli");
    assertThat(queue.job("50")).containsEntry("source", "enqueuer");
    assertThat(queue.stats().counters()).containsEntry("enqueued", 100L + 1899);
    assertThat(queue.ackAll(List.of(new Ack(active, "exported", null)))[0]).isTrue();
    assertThat(queue.enqueueAll(List.of(), "cli")).isEmpty();
  }

  /** {@code n} dead jobs, reasons alternating exhausted / invalid, oldest first in {@code ids(1, n)}. */
  private void deadJobs(int n) {
    queue.enqueueAll(ids(1, n), "test");
    int dead = 0;
    while (dead < n) {
      for (ClaimedJob job : queue.claim(LEASE, "w", 32).jobs()) {
        int id = Integer.parseInt(job.orderId());
        queue.deadLetter(job, id % 2 == 0 ? "exhausted" : "invalid", "failed", 0, null);
        dead++;
      }
    }
    assertThat(queue.stats().dlq()).isEqualTo(n);
  }

  @Test
  void requeue_by_reason_and_all_takes_one_call_per_ten_entries() {
    deadJobs(2500);
    long[] n = new long[1];
    long calls = callsDuring(() -> n[0] = queue.deadLetters().requeueReason("exhausted"));
    assertThat(n[0]).isEqualTo(1250);
    assertThat(calls).isEqualTo(1 + 250); // the old list checked, then 2,500 entries looked at, 10 a call
    assertThat(queue.stats().dlq()).isEqualTo(1250);
    assertThat(ready()).hasSize(1250).doesNotHaveDuplicates()
        .allMatch(id -> Integer.parseInt(id) % 2 == 0);
    assertThat(queue.job("2")).containsEntry("state", "ready").containsEntry("attempts", "0");
    assertThat(queue.job("3")).containsEntry("state", "dead");
    // Oldest first: the first dead job leaves the ready list first.
    assertThat(queue.claim(LEASE, "w", 1).jobs().get(0).orderId()).isEqualTo("2");

    calls = callsDuring(() -> n[0] = queue.deadLetters().requeueAll());
    assertThat(n[0]).isEqualTo(1250);
    assertThat(calls).isEqualTo(1 + 125);
    assertThat(queue.stats().dlq()).isZero();
    assertThat(ready()).hasSize(2499).doesNotHaveDuplicates();
    assertThat(queue.stats().counters()).containsEntry("requeued", 2500L);
  }

  @Test
  void requeue_of_many_orders_reads_no_entry_and_a_job_with_two_entries_goes_back_once() {
    deadJobs(1500);
    // A second entry for order 7 (an entry the reconciler rebuilt beside one pushed back by hand).
    String entry = queue.deadLetters().raw(1500 - 7, 1).get(0);
    assertThat(entry).contains("\"order_id\":\"7\"");
    redis.client().<String>getList(queue.keys().legacyDlq(), StringCodec.INSTANCE).add(0, entry);
    queue.reconciliation().reindex(); // the entry moves into the set, where order 7 is already: once
    Set<String> wanted = new HashSet<>(List.of("7", "8", "1400", "99999"));
    long[] n = new long[1];
    long calls = callsDuring(() -> n[0] = queue.deadLetters().requeueOrders(wanted));
    assertThat(n[0]).isEqualTo(3);
    // One call to see that the old list is moved and the counts hold, then one per order, each found by its dead
    // record (one ZREM), however long the DLQ.
    assertThat(calls).isEqualTo(1 + 4);
    assertThat(ready()).containsExactlyInAnyOrder("7", "8", "1400");
    assertThat(queue.stats().dlq()).isEqualTo(1497);
    assertThat(queue.deadLetters().reasons().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1497);
    assertThat(queue.deadLetters().requeue("7")).isZero();
    assertThat(queue.deadLetters().requeue("9")).isEqualTo(1);
  }

  @Test
  void a_garbage_entry_is_removed_by_requeue_all_and_left_by_a_reason() {
    deadJobs(3);
    redis.client().<String>getList(queue.keys().legacyDlq(), StringCodec.INSTANCE).add(0, "{\"order\":");
    assertThat(queue.deadLetters().requeueReason("invalid")).isEqualTo(2);
    assertThat(queue.stats().dlq()).isEqualTo(2);
    assertThat(queue.deadLetters().requeueAll()).isEqualTo(1);
    assertThat(queue.stats().dlq()).isZero();
  }
}
