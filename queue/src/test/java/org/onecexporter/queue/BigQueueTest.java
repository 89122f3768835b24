package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.admin.Reconciliation.Reconciled;
import org.onecexporter.queue.admin.Reconciliation.SweepStep;
import org.onecexporter.queue.model.JobState;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Issue 23, target 1: no script call grows with a structure. A DLQ of 200,000 dead jobs, 100,000 ready and 50,000
 * delayed, and the calls an operator or the reconciler makes against it, each measured against the same call on
 * an empty queue. Before the index, a reconcile batch and a sweep step read the whole ready list and the whole DLQ
 * (LRANGE 0 -1, then the order id out of every entry), drop read and decoded every entry, requeue of one order
 * looked at every entry 1,000 a call, and counting a DLQ without counts read it in one call; while the DLQ was a
 * list, drop and requeue of one order took one LREM over it. The fill writes the DLQ as a list, as versions before
 * the sorted set did: the walk moves it.
 */
@ExtendWith(RedisExtension.class)
class BigQueueTest {
  private static final int DEAD = 200_000;
  private static final int READY = 100_000;
  private static final int DELAYED = 50_000;
  /** Ids of the ready jobs start here, of the delayed ones at 2 × this, new orders at 3 × this. */
  private static final int RANGE = 1_000_000;
  private final JobQueue queue;
  private final RedissonClient client;

  BigQueueTest(TestRedis redis) {
    this.queue = redis.queue();
    this.client = redis.client();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  /**
   * Jobs as a queue written before the index leaves them (records, list entries and set members, no index stamp),
   * in one Lua loop per 10,000: dead ones (ids 1..dead, entries as deadletter.lua writes them, counted in
   * P:dlq_reasons), ready ones and delayed ones (due in an hour).
   */
  static void fill(RedissonClient client, JobQueue queue, int dead, int ready, int delayed) {
    String fill = Scripts.assemble("includes/dlq_entry") + """
        local p, kind, from, to = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local now = tonumber(redis.call('TIME')[1]) * 1000
        for i = from, to do
          local id = tostring(i)
          local job = p .. ':job:' .. id
          if kind == 'dead' then
            redis.call('HSET', job, 'order_id', id, 'state', 'dead', 'reason', 'exhausted', 'attempts', 8,
              'stalls', 0, 'enqueued_at', now, 'dead_at', now, 'source', 'reconciler',
              'first_error', 'HTTP 503 from 1C: service unavailable',
              'last_error', 'HTTP 503 from 1C: service unavailable', 'last_http_status', 503)
            redis.call('LPUSH', p .. ':dlq', dlq_entry(p, id))
          elseif kind == 'ready' then
            redis.call('HSET', job, 'order_id', id, 'state', 'ready', 'attempts', 0, 'stalls', 0,
              'enqueued_at', now, 'source', 'enqueuer')
            redis.call('LPUSH', p .. ':ready', id)
          else
            redis.call('HSET', job, 'order_id', id, 'state', 'delayed', 'attempts', 1, 'stalls', 0,
              'enqueued_at', now, 'source', 'enqueuer', 'due_at', now + 3600000)
            redis.call('ZADD', p .. ':delayed', now + 3600000, id)
          end
        end
        if kind == 'dead' then
          redis.call('HINCRBY', p .. ':dlq_reasons', 'exhausted', to - from + 1)
        end
        return 1""";
    RScript script = client.getScript(StringCodec.INSTANCE);
    String p = queue.keys().prefix();
    for (Object[] kind : new Object[][] {{"dead", 1, dead}, {"ready", RANGE + 1, ready}, {"delayed", 2 * RANGE + 1,
        delayed}}) {
      int first = (int) kind[1];
      int n = (int) kind[2];
      for (int from = first; from < first + n; from += 10_000) {
        script.eval(queue.keys().stats(), RScript.Mode.READ_WRITE, fill, RScript.ReturnType.LONG,
            List.of(queue.keys().stats()), p, (String) kind[0], Integer.toString(from),
            Integer.toString(Math.min(first + n - 1, from + 9_999)));
      }
    }
  }

  /** The median of {@code n} calls' wall time in ms; call i gets i (so that each call can use fresh ids). */
  private static double medianMillis(int n, IntFunction<?> call) {
    call.apply(-1); // the script's first call (loading it), not measured
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      call.apply(i);
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms[n / 2];
  }

  /** A reconciler's batch of 500: 100 dead orders, 100 ready ones, 300 without a job (fresh per call). */
  private List<Reconciled> reconcileBatch(int call) {
    List<String> ids = new ArrayList<>();
    int base = (call + 2) * 100;
    for (int i = 0; i < 100; i++) {
      ids.add(Integer.toString(base + i + 1));
      ids.add(Integer.toString(RANGE + base + i + 1));
    }
    for (int i = 0; i < 300; i++) {
      ids.add(Integer.toString(3 * RANGE + (call + 2) * 1000 + i));
    }
    return queue.reconciliation().reconcileOrders(ids, "reconciler");
  }

  private long callsDuring(Runnable r) {
    long before = queue.scriptCalls();
    r.run();
    return queue.scriptCalls() - before;
  }

  /** Generous: the machine may be loaded ten times over; the old scripts took hundreds of ms per call here. */
  private static double bound(double empty, double floorMillis) {
    return Math.max(5 * empty, floorMillis);
  }

  /** Issue 23's bound: twice the empty queue's, or 3 ms on a machine whose empty-queue call is very fast. */
  private static double strict(double empty) {
    return Math.max(2 * empty, 3);
  }

  @Test
  void a_reconcile_batch_and_a_sweep_step_cost_the_same_on_a_big_queue_as_on_an_empty_one() {
    double reconcileEmpty = medianMillis(5, this::reconcileBatch);
    double sweepEmpty = medianMillis(5, i -> queue.reconciliation().sweep(SweepStep.from("0")));
    queue.deleteAll();
    fill(client, queue, DEAD, READY, DELAYED);
    double reconcileFull = medianMillis(5, this::reconcileBatch);
    SweepStep[] step = {SweepStep.from("0")};
    double sweepFull = medianMillis(5, i -> step[0] = queue.reconciliation().sweep(step[0]));
    assertThat(reconcileFull).as("reconcile batch (ms) on the big queue vs %.2f ms on an empty one", reconcileEmpty)
        .isLessThan(bound(reconcileEmpty, 40));
    assertThat(sweepFull).as("sweep step (ms) on the big queue vs %.2f ms on an empty one", sweepEmpty)
        .isLessThan(bound(sweepEmpty, 40));
    long dlq = queue.deadLetters().length();
    long ready = queue.stats().ready();

    // What the batch found is what it holds: nothing re-homed, nothing pushed twice.
    List<Reconciled> r = reconcileBatch(10);
    assertThat(r.subList(0, 2)).containsExactly(new Reconciled(false, false, JobState.DEAD, "exhausted"),
        new Reconciled(false, false, JobState.READY, null));
    assertThat(r.subList(200, 500)).allMatch(Reconciled::queued);
    assertThat(queue.deadLetters().length()).isEqualTo(dlq);
    assertThat(queue.stats().ready()).isEqualTo(ready + 300);
    assertThat(queue.stats().counters()).doesNotContainKey("rehomed");
  }

  @Test
  void the_reconcilers_sweep_call_holds_redis_for_a_bounded_time_on_a_big_queue() {
    fill(client, queue, DEAD, READY, DELAYED);
    SweepStep[] step = {SweepStep.from("0")};
    long[] seen = new long[1];
    // The reconciler's own call. Before the budget it was SCAN COUNT 1000 and every record it returned checked in
    // one call: 7 ms here on 350,000 records, 17 ms on 2.1 million (random reads over the keyspace), every enqueue
    // waiting.
    double p50 = medianMillis(200, i -> {
      step[0] = queue.reconciliation().sweep(step[0]);
      return seen[0] += step[0].seen();
    });
    System.out.printf("sweep call on %,d records: p50 %.2f ms, %.1f records a step%n", DEAD + READY + DELAYED, p50,
        seen[0] / 200.0);
    // A wall-clock bound with room for a loaded machine (1.1 ms here): the budget's own behaviour is checked
    // exactly by the next test.
    assertThat(p50).as("sweep call p50 (ms)").isLessThan(4);
    assertThat(seen[0]).as("records checked by 200 steps").isGreaterThan(200 * 4);
  }

  @Test
  void a_sweep_cut_short_by_its_budget_checks_every_record_and_finds_every_vanished_entry() {
    fill(client, queue, 1_000, 1_000, 1_000);
    queue.reconciliation().reindex();
    // Entries vanished by hand: a DLQ member, a delayed one, the whole ready list.
    client.getScoredSortedSet(queue.keys().dlq(), StringCodec.INSTANCE).remove("17");
    client.getScoredSortedSet(queue.keys().delayed(), StringCodec.INSTANCE).remove(Integer.toString(2 * RANGE + 5));
    client.getKeys().delete(queue.keys().ready());

    // No budget at all: every step checks one block of four records and hands the rest of its SCAN back.
    SweepStep step = SweepStep.from("0");
    long seen = 0;
    long rehomed = 0;
    int steps = 0;
    int handedBack = 0;
    do {
      step = queue.reconciliation().sweep(step, 100, java.time.Duration.ZERO);
      seen += step.seen();
      rehomed += step.rehomed();
      handedBack += step.pending().isEmpty() ? 0 : 1;
      steps++;
      assertThat(step.seen()).isLessThanOrEqualTo(4);
    } while (!step.complete() && steps < 10_000);
    assertThat(step.complete()).isTrue();
    assertThat(handedBack).isGreaterThan(100);
    // SCAN returns every key present throughout at least once, and may return one twice when the keyspace grows
    // meanwhile (each step keeps its answer under a reply key).
    assertThat(seen).as("records checked").isBetween(3_000L, 3_300L);
    assertThat(rehomed).isEqualTo(1 + 1 + 1_000);
    assertThat(queue.deadLetters().length()).isEqualTo(1_000);
    assertThat(queue.stats().ready()).isEqualTo(1_000);
    assertThat(queue.stats().delayed()).isEqualTo(1_000);

    // A second sweep finds everything at home.
    step = SweepStep.from("0");
    rehomed = 0;
    do {
      step = queue.reconciliation().sweep(step);
      rehomed += step.rehomed();
    } while (!step.complete());
    assertThat(rehomed).isZero();

    // SCAN's own walk is bounded by the count, which is kept small.
    SweepStep start = SweepStep.from("0");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> queue.reconciliation().sweep(start, 1_001, java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void drop_and_requeue_of_one_order_do_not_read_the_dlq() {
    double dropEmpty = medianMillis(5, i -> queue.deadLetters().drop(Integer.toString(10 + i)));
    fill(client, queue, DEAD, 0, 0);
    queue.reconciliation().reindex();

    // Orders without a DLQ entry: nothing to read at all.
    double dropAbsent = medianMillis(5, i -> queue.deadLetters().drop(Integer.toString(5 * RANGE + i + 1)));
    // Orders with one, spread over the list (the oldest are at its far end).
    double dropPresent = medianMillis(5, i -> queue.deadLetters().drop(Integer.toString(i < 0 ? 7 : 1 + i * 40_000)));
    assertThat(queue.deadLetters().length()).isEqualTo(DEAD - 6);
    assertThat(queue.job("40001")).isEmpty();
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", (long) DEAD - 6));

    long calls = callsDuring(() -> assertThat(queue.deadLetters().requeue("123456")).isEqualTo(1));
    assertThat(calls).as("script calls to requeue one order").isLessThanOrEqualTo(2);
    assertThat(queue.job("123456")).containsEntry("state", "ready");
    double requeue = medianMillis(3, i -> queue.deadLetters().requeue(Integer.toString(150_000 + i)));
    assertThat(queue.deadLetters().length()).isEqualTo(DEAD - 6 - 5);

    assertThat(dropAbsent).as("drop of an order not in the DLQ (ms) vs %.2f ms on an empty one", dropEmpty)
        .isLessThan(bound(dropEmpty, 40));
    // One ZREM: the same as on an empty queue. One LREM over a DLQ list (the DLQ before the sorted set) took
    // 10-15 ms here for 200,000 entries, a pass over the list in C.
    assertThat(dropPresent).as("drop of an order in the DLQ (ms) vs %.2f ms on an empty one", dropEmpty)
        .isLessThan(strict(dropEmpty));
    assertThat(requeue).as("requeue of one order (ms) vs a drop's %.2f ms on an empty queue", dropEmpty)
        .isLessThan(strict(dropEmpty));
  }

  @Test
  void a_queue_from_before_the_index_is_walked_in_bounded_calls_and_then_a_vanished_entry_is_found() {
    fill(client, queue, 3_000, 2_000, 0);
    // Records whose entry vanished before the upgrade, and an entry written otherwise than dead_letter writes it.
    client.<String, String>getMap(queue.keys().job("900001"), StringCodec.INSTANCE).putAll(Map.of("order_id",
        "900001", "state", "dead", "reason", "invalid", "attempts", "1", "last_error", "no items"));
    client.<String, String>getMap(queue.keys().job("900002"), StringCodec.INSTANCE).putAll(Map.of("order_id",
        "900002", "state", "ready", "attempts", "0"));
    var dlqList = client.<String>getList(queue.keys().legacyDlq(), StringCodec.INSTANCE);
    assertThat(dlqList.get(3_000 - 5)).contains("\"order_id\":\"5\"");
    dlqList.fastSet(3_000 - 5, "{\"order_id\":\"5\",\"reason\":\"exhausted\",\"attempts\":8}");
    List<String> ids = List.of("900001", "900002", "5", Integer.toString(RANGE + 7));

    // Before the walk an unstamped record counts as at home: nothing is pushed twice.
    assertThat(queue.reconciliation().reconcileOrders(ids, "reconciler")).extracting(Reconciled::rehomed)
        .containsOnly(false);
    assertThat(queue.deadLetters().length()).isEqualTo(3_000);

    long calls = callsDuring(() -> assertThat(queue.reconciliation().reindex()).isTrue());
    assertThat(calls).as("reindex calls for 2,000 ready ids and 3,000 DLQ entries").isGreaterThanOrEqualTo(20);
    assertThat(callsDuring(() -> queue.reconciliation().reindex())).as("once done, one call per list").isEqualTo(2);

    assertThat(queue.reconciliation().reconcileOrders(ids, "reconciler")).containsExactly(
        new Reconciled(false, true, JobState.DEAD, null), new Reconciled(false, true, JobState.READY, null),
        new Reconciled(false, false, JobState.DEAD, "exhausted"), new Reconciled(false, false, JobState.READY, null));
    assertThat(queue.deadLetters().length()).isEqualTo(3_001);
    assertThat(queue.stats().ready()).isEqualTo(2_001);
    // The entry written otherwise was rewritten by the walk, so the order's record finds it.
    assertThat(queue.deadLetters().drop("5")).isEqualTo(1);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", 2_999L, "invalid", 1L));
  }

  @Test
  void a_dlq_without_counts_is_counted_in_bounded_calls() {
    fill(client, queue, DEAD, 0, 0);
    client.getKeys().delete(queue.keys().dlqReasons());
    long[] calls = new long[1];
    Map<String, Long>[] reasons = new Map[1];
    calls[0] = callsDuring(() -> reasons[0] = queue.deadLetters().reasons());
    assertThat(reasons[0]).isEqualTo(Map.of("exhausted", (long) DEAD));
    // Counted in steps of a few hundred entries, never in one call that holds every enqueue for the whole list.
    assertThat(calls[0]).isGreaterThanOrEqualTo(DEAD / 1_000);
  }
}
