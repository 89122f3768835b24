package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.model.Abandoned;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.AckClaim;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.Reaped;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/** Every queue move, as atomic scripts on a real Redis. */
@ExtendWith(RedisExtension.class)
class JobQueueTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;
  private final org.redisson.api.RedissonClient client;

  JobQueueTest(TestRedis redis) {
    this.queue = redis.queue();
    this.client = redis.client();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  private ClaimedJob claim() {
    ClaimResult r = queue.claim(LEASE, "test-worker", 1);
    assertThat(r).isInstanceOf(ClaimResult.Jobs.class);
    assertThat(r.jobs()).hasSize(1);
    return r.jobs().get(0);
  }

  @Test
  void enqueue_is_once_per_order_while_the_job_lives() {
    assertThat(queue.enqueue("1001", "test")).isEqualTo(new EnqueueResult(true, "ready"));
    assertThat(queue.enqueue("1001", "test")).isEqualTo(new EnqueueResult(false, "ready"));
    ClaimedJob job = claim();
    assertThat(queue.enqueue("1001", "test")).isEqualTo(new EnqueueResult(false, "active"));
    queue.retryLater(job, Duration.ofMinutes(1), "503", 503, "INV-2026-001", false);
    assertThat(queue.enqueue("1001", "test")).isEqualTo(new EnqueueResult(false, "delayed"));
    assertThat(queue.stats().ready()).isZero();
    assertThat(queue.stats().delayed()).isEqualTo(1);
  }

  @Test
  void concurrent_enqueues_of_one_order_make_one_job() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<EnqueueResult>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String source = i % 2 == 0 ? "enqueuer" : "reconciler";
        calls.add(() -> queue.enqueue("77", source));
      }
      long queued = 0;
      for (Future<EnqueueResult> f : pool.invokeAll(calls)) {
        queued += f.get().queued() ? 1 : 0;
      }
      assertThat(queued).isEqualTo(1);
      assertThat(queue.stats().ready()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claim_is_fifo_counts_attempts_and_ack_forgets_the_job() {
    queue.enqueue("1", "t");
    queue.enqueue("2", "t");
    ClaimedJob first = claim();
    assertThat(first.orderId()).isEqualTo("1");
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.enqueuedAtMillis()).isPositive();
    assertThat(queue.job("1")).containsEntry("state", "active").containsEntry("token", first.token());

    assertThat(queue.ackAll(List.of(new Ack(first, "exported", null)))[0]).isTrue();
    assertThat(queue.job("1")).isEmpty();
    assertThat(queue.stats().counters()).containsEntry("exported", 1L);
    assertThat(claim().orderId()).isEqualTo("2");
    assertThat(queue.claim(LEASE, "w", 1)).isEqualTo(new ClaimResult.Empty(java.util.Optional.empty()));
  }

  @Test
  void ack_and_claim_acks_the_finished_jobs_and_leases_the_next_ones_in_one_call() {
    for (String id : List.of("301", "302", "303", "304", "305")) {
      queue.enqueue(id, "test");
    }
    List<ClaimedJob> first = queue.claim(LEASE, "w", 2).jobs();
    ClaimedJob stale = new ClaimedJob("303", "not-its-token", 1, null, 0, false, 0, null);

    AckClaim r = queue.ackAndClaim(List.of(new Ack(first.get(0), "exported", Duration.ofMillis(7)),
        new Ack(first.get(1), "already_exported", null), new Ack(stale, "exported", null)),
        LEASE, "w", 2);

    assertThat(r.acked()).containsExactly(true, true, false);
    assertThat(r.claimed()).extracting(ClaimedJob::orderId).containsExactly("303", "304");
    assertThat(r.claimed()).extracting(ClaimedJob::attempt).containsOnly(1);
    assertThat(r.claimed().get(0).token()).isNotEqualTo(r.claimed().get(1).token());
    assertThat(queue.stats().active()).as("the two new leases; the acked jobs are gone").isEqualTo(2);
    assertThat(queue.stats().ready()).isEqualTo(1);
    assertThat(queue.ackAll(List.of(new Ack(r.claimed().get(0), "exported", null)))).containsExactly(true);

    AckClaim none = queue.ackAndClaim(List.of(new Ack(r.claimed().get(1), "exported", null)),
        LEASE, "w", 0);
    assertThat(none.acked()).containsExactly(true);
    assertThat(none.claimed()).as("max 0 acks only").isEmpty();
    assertThat(queue.stats().ready()).isEqualTo(1);
  }

  @Test
  void an_abandoned_job_waits_out_the_hold_counts_a_stall_and_workers_abandoning_it_in_turn_end_in_the_dlq() {
    queue.enqueue("77", "t");
    Duration hold = Duration.ofMillis(400);
    ClaimedJob first = queue.claim(LEASE, "w1", 1).jobs().get(0);
    assertThat(queue.abandon(first, hold, 3, "w1", "attempt ran past JOB_TIMEOUT_SECONDS"))
        .isEqualTo(Abandoned.HELD);
    assertThat(queue.abandon(first, hold, 3, "w1", "again")).as("token-checked").isEqualTo(Abandoned.GONE);
    // Not claimable during the hold, by anyone (a claim of the abandoning worker already on the wire included).
    ClaimResult during = queue.claim(LEASE, "w1", 8);
    assertThat(during).isInstanceOf(ClaimResult.Empty.class);
    assertThat(((ClaimResult.Empty) during).nextDue()).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(hold));
    sleep(hold.toMillis() + 50);
    ClaimedJob second = queue.claim(LEASE, "w2", 1).jobs().get(0);
    assertThat(second.attempt()).as("the abandoned attempt is not counted").isEqualTo(1);
    var record = client.<String, String>getMap(queue.keys().job("77"), org.redisson.client.codec.StringCodec.INSTANCE);
    assertThat(record.get("stalls")).isEqualTo("1");
    assertThat(record.get("abandoned_by")).isEqualTo("w1");

    assertThat(queue.abandon(second, Duration.ZERO, 3, "w2", "frozen")).isEqualTo(Abandoned.HELD);
    ClaimedJob third = queue.claim(LEASE, "w3", 1).jobs().get(0);
    assertThat(queue.abandon(third, Duration.ZERO, 3, "w3", "frozen")).isEqualTo(Abandoned.DEAD);
    assertThat(queue.claim(LEASE, "w4", 1)).isInstanceOf(ClaimResult.Empty.class);
    assertThat(queue.stats().dlq()).isEqualTo(1);
    assertThat(queue.stats().counters()).containsEntry("abandoned", 3L).containsEntry("dead_infrastructure", 1L);
    assertThat(queue.deadLetters().reasons()).isEqualTo(java.util.Map.of("infrastructure", 1L));
    String entry = queue.deadLetters().raw(0, 1).get(0);
    assertThat(entry).contains("\"reason\":\"infrastructure\"").contains("given up 3 times")
        .contains("\"stalls\":3");
  }

  @Test
  void scripts_go_to_redis_without_their_comment_lines() {
    String sent = Scripts.withoutComments("-- what it does, with … non-ASCII\nlocal a = 1\n\n  -- indented\nreturn a\n");
    assertThat(sent).isEqualTo("local a = 1\nreturn a\n");
    assertThat(sent.chars().allMatch(c -> c < 128)).isTrue();
  }

  @Test
  void a_stale_token_can_neither_ack_retry_nor_dead_letter() {
    queue.enqueue("5", "t");
    ClaimedJob stale = claim();
    ClaimedJob forged = new ClaimedJob("5", "not-the-token", 1, null, 0, false, 0, null);

    assertThat(queue.ackAll(List.of(new Ack(forged, "exported", null)))[0]).isFalse();
    assertThat(queue.retryLater(forged, Duration.ZERO, "x", 0, null, false)).isFalse();
    assertThat(queue.deadLetter(forged, "permanent", "x", 0, null)).isFalse();
    assertThat(queue.extendAll(List.of(forged), LEASE)[0]).isFalse();

    // The lease runs out and another worker takes the job over: the first worker's token is dead.
    queue.extendAll(List.of(stale), Duration.ofMillis(1));
    sleep(20);
    assertThat(queue.reap(3)).isEqualTo(1);
    ClaimedJob taker = claim();
    assertThat(taker.token()).isNotEqualTo(stale.token());
    assertThat(queue.ackAll(List.of(new Ack(stale, "exported", null)))[0]).isFalse();
    assertThat(queue.deadLetter(stale, "permanent", "late", 0, null)).isFalse();
    assertThat(queue.ackAll(List.of(new Ack(taker, "exported", null)))[0]).isTrue();
    assertThat(queue.stats().dlq()).isZero();
  }

  @Test
  void retry_waits_in_the_delayed_set_until_due_by_the_redis_clock() {
    queue.enqueue("9", "t");
    ClaimedJob job = claim();
    assertThat(queue.retryLater(job, Duration.ofMillis(300), "1C answered 503", 503, "INV-2026-009", false)).isTrue();

    ClaimResult early = queue.claim(LEASE, "w", 1);
    assertThat(early).isInstanceOfSatisfying(ClaimResult.Empty.class,
        e -> assertThat(e.nextDue()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(300))));
    sleep(350);
    ClaimedJob again = claim();
    assertThat(again.orderId()).isEqualTo("9");
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.invoiceNumber()).isEqualTo("INV-2026-009");
    assertThat(queue.job("9")).containsEntry("first_error", "1C answered 503").containsEntry("last_http_status", "503");
  }

  @Test
  void a_refunded_retry_does_not_count_the_attempt() {
    queue.enqueue("10", "t");
    queue.retryLater(claim(), Duration.ZERO, "1C down", 0, null, true);
    assertThat(claim().attempt()).isEqualTo(1);
  }

  @Test
  void dead_letter_keeps_everything_an_operator_needs_and_requeue_resets_attempts() {
    queue.enqueue("20", "t");
    ClaimedJob first = claim();
    queue.retryLater(first, Duration.ZERO, "1C answered 502", 502, "INV-2026-020", false);
    ClaimedJob second = claim();
    assertThat(queue.deadLetter(second, "exhausted", "1C answered 503", 503, "INV-2026-020")).isTrue();

    JsonNode entry = dlq(queue, 10).get(0);
    assertThat(entry.get("order_id").asText()).isEqualTo("20");
    assertThat(entry.get("invoice_number").asText()).isEqualTo("INV-2026-020");
    assertThat(entry.get("attempts").asInt()).isEqualTo(2);
    assertThat(entry.get("reason").asText()).isEqualTo("exhausted");
    assertThat(entry.get("first_error").asText()).isEqualTo("1C answered 502");
    assertThat(entry.get("last_error").asText()).isEqualTo("1C answered 503");
    assertThat(entry.get("last_http_status").asInt()).isEqualTo(503);
    assertThat(entry.get("enqueued_at").asLong()).isPositive();
    assertThat(entry.get("dead_at").asLong()).isGreaterThanOrEqualTo(entry.get("enqueued_at").asLong());
    assertThat(queue.enqueue("20", "reconciler")).isEqualTo(new EnqueueResult(false, "dead"));

    assertThat(queue.deadLetters().requeue("20")).isEqualTo(1);
    assertThat(queue.stats().dlq()).isZero();
    ClaimedJob requeued = claim();
    assertThat(requeued.orderId()).isEqualTo("20");
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(requeued.invoiceNumber()).isEqualTo("INV-2026-020");
  }

  /**
   * A waiting job is what a weekend's outage stores by the hundred thousand: its record keeps no field its key
   * already carries (the order id is {@code P:job:<id>}'s tail; the DLQ entry, the console and the CLI take it
   * from there), through every script that writes a record.
   */
  @Test
  void a_job_record_does_not_repeat_the_order_id_its_key_carries() {
    queue.enqueue("21", "t");
    assertThat(queue.job("21")).as("enqueued").doesNotContainKey("order_id").containsEntry("state", "ready");
    ClaimedJob job = claim();
    assertThat(queue.deadLetter(job, "permanent", "1C refused", 400, "INV-2026-021")).isTrue();
    assertThat(queue.job("21")).as("dead").doesNotContainKey("order_id").containsEntry("state", "dead");
    assertThat(dlq(queue, 10).get(0).get("order_id").asText()).as("the DLQ entry still names it").isEqualTo("21");
    assertThat(queue.deadLetters().requeue("21")).isEqualTo(1);
    assertThat(queue.job("21")).as("requeued").doesNotContainKey("order_id").containsEntry("state", "ready");

    client.<String>getDeque(queue.keys().ready()).addFirst("22"); // pushed by hand: claimed without a record
    assertThat(queue.claim(LEASE, "test-worker", 2).jobs()).extracting(ClaimedJob::orderId)
        .containsExactlyInAnyOrder("21", "22");
    assertThat(queue.job("22")).as("hand-pushed").doesNotContainKey("order_id").containsEntry("source", "unknown");
  }

  @Test
  void requeue_all_and_purge() {
    for (String id : List.of("31", "32", "33")) {
      queue.enqueue(id, "t");
      queue.deadLetter(claim(), "permanent", "no", 400, null);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.deadLetters().requeue("*"))
        .as("'*' is not an order id").isInstanceOf(IllegalArgumentException.class);
    assertThat(queue.stats().dlq()).isEqualTo(3);
    queue.deadLetters().requeueAll();
    assertThat(queue.stats().ready()).isEqualTo(3);
    assertThat(queue.deadLetters().requeueAll()).as("requeue all twice does not duplicate").isZero();
    for (int i = 0; i < 3; i++) {
      queue.deadLetter(claim(), "permanent", "no", 400, null);
    }
    assertThat(queue.deadLetters().purge()).isEqualTo(3);
    assertThat(queue.job("31")).isEmpty();
    assertThat(queue.enqueue("31", "t").queued()).isTrue();
  }

  @Test
  void expired_leases_return_to_ready_and_go_to_the_dlq_after_repeated_stalls() {
    queue.enqueue("40", "t");
    for (int stall = 1; stall <= 2; stall++) {
      ClaimedJob job = claim();
      assertThat(job.attempt()).as("a stalled attempt is not counted").isEqualTo(1);
      queue.extendAll(List.of(job), Duration.ofMillis(1));
      sleep(20);
      assertThat(queue.reapJobs(3)).as("the reaper says which jobs it moved, and where")
          .isEqualTo(new Reaped(List.of("40"), List.of()));
      assertThat(queue.stats().dlq()).as("expiry %d of 3: back in play", stall).isZero();
    }
    queue.extendAll(List.of(claim()), Duration.ofMillis(1));
    sleep(20);
    assertThat(queue.reapJobs(3)).isEqualTo(new Reaped(List.of(), List.of("40")));
    assertThat(queue.stats().dlq()).as("WORKER_MAX_STALLS=3: the third expiry dead-letters").isEqualTo(1);
    assertThat(dlq(queue, 1).get(0).get("reason").asText()).isEqualTo("stalled");
  }

  /**
   * WORKER_MAX_STALLS counts expiries in a row: an attempt that reached 1C and lived to settle (a retry or a wait)
   * proves the job does not take its worker down, so the count starts again. Otherwise a job that waits long (a
   * weekend outage, a maintenance window) spends the budget on unrelated kills and restarts over its life, and goes
   * to the DLQ as 'stalled' with nothing wrong with it (the quick chaos soak's one lost order of 2026-12-07: its lease
   * ran out three times around the 1C outage and its kills). A wait decided before the call (the permits full, 1C
   * down for the fleet) proves nothing and is refunded: it must not start the count again, or a job that kills its
   * worker whenever it gets a permit would loop for ever (kill, kill, wait, kill, ...).
   */
  @Test
  void an_attempt_that_reached_1c_starts_the_stall_count_again_a_wait_before_the_call_does_not() {
    queue.enqueue("41", "t");
    for (int round = 1; round <= 3; round++) {
      stallTwice("41");
      assertThat(queue.job("41")).as("round %d: two expiries in a row", round).containsEntry("stalls", "2");
      // Round 1: 1C answered 503 (a counted retry); round 2: 1C answered 403 «сеансы запрещены» (a refunded wait);
      // round 3: 1C took the invoice and PostgreSQL failed to record it (our side, after the call).
      assertThat(queue.retryLater(claim(), Duration.ZERO, "1C answered 503", 503, null, round == 2, round == 3, true))
          .isTrue();
      assertThat(queue.job("41")).as("round %d: the attempt reached 1C, the count starts again", round)
          .containsEntry("stalls", "0");
    }
    stallTwice("41");
    // The fleet's permits stayed busy: the attempt waited without calling 1C, refunded.
    assertThat(queue.retryLater(claim(), Duration.ZERO, "every 1C permit busy", 0, null, true, false, false)).isTrue();
    assertThat(queue.job("41")).as("a wait before the call leaves the count").containsEntry("stalls", "2");
    queue.extendAll(List.of(claim()), Duration.ofMillis(1));
    sleep(20);
    assertThat(queue.reapJobs(3)).as("the third expiry in a row").isEqualTo(new Reaped(List.of(), List.of("41")));
  }

  /**
   * An attempt is given back once. The full chaos soak of 2026-12-07 20:28 UTC: order 14's attempt failed at 1C, the
   * next order's failure gave that attempt back (the streak's first failure was not the order's own) while it was
   * still in flight, and its abandonment gave it back again: attempts -1, the next claim answered attempt 0, the
   * worker's attempt threw ("attempts are counted from 1") without moving the job, and three lease expiries later
   * it was dead-lettered as stalled. A give-back never takes the count below 0, and a claim never answers less than 1.
   */
  @Test
  void an_attempt_given_back_by_the_streak_and_then_by_its_reap_is_not_given_back_twice() {
    queue.enqueue("70", "t");
    queue.enqueue("71", "t");
    ClaimedJob first = claim();
    assertThat(first.attempt()).isEqualTo(1);
    Duration open = Duration.ofSeconds(5);
    queue.oneC().report(OneCGate.HealthReport.FAIL, first, 5, open, open);
    ClaimedJob second = claim();
    // The next order fails right after: the first one's attempt, still in flight, is given back.
    queue.oneC().report(OneCGate.HealthReport.FAIL, second, 5, open, open);
    assertThat(queue.job(first.orderId())).containsEntry("attempts", "0");
    // Its worker is killed: the reaper gives the stalled attempt back too, and must not go below 0.
    queue.extendAll(List.of(first), Duration.ofMillis(1));
    sleep(20);
    assertThat(queue.reapJobs(3).back()).contains(first.orderId());
    assertThat(Long.parseLong(queue.job(first.orderId()).get("attempts"))).isNotNegative();
    ClaimedJob again = claim();
    assertThat(again.orderId()).isEqualTo(first.orderId());
    assertThat(again.attempt()).as("attempts are counted from 1").isEqualTo(1);
  }

  /** A record whose attempts went below 0 (written by an earlier version) heals at its next claim. */
  @Test
  void a_claim_never_answers_an_attempt_below_1() {
    queue.enqueue("72", "t");
    client.<String, String>getMap(queue.keys().job("72"), org.redisson.client.codec.StringCodec.INSTANCE)
        .put("attempts", "-2");
    assertThat(claim().attempt()).isEqualTo(1);
    assertThat(queue.job("72")).containsEntry("attempts", "1");
  }

  private void stallTwice(String id) {
    for (int stall = 1; stall <= 2; stall++) {
      queue.extendAll(List.of(claim()), Duration.ofMillis(1));
      sleep(20);
      assertThat(queue.reapJobs(3)).isEqualTo(new Reaped(List.of(id), List.of()));
    }
  }

  @Test
  void a_hand_pushed_job_is_claimed_and_tracked_and_duplicates_are_dropped() {
    client.<String>getDeque(queue.keys().ready()).addFirst("garbage{");
    ClaimedJob job = claim();
    assertThat(job.orderId()).isEqualTo("garbage{");
    assertThat(queue.job("garbage{")).containsEntry("source", "unknown");

    queue.enqueue("50", "t");
    ClaimedJob active = claim();
    client.<String>getDeque(queue.keys().ready()).addFirst("50");
    assertThat(queue.claim(LEASE, "w", 1)).isInstanceOf(ClaimResult.Empty.class);
    assertThat(queue.ackAll(List.of(new Ack(active, "exported", null)))[0]).isTrue();
  }

  @Test
  void release_hands_a_job_back_without_counting_the_attempt() {
    queue.enqueue("60", "t");
    assertThat(queue.release(claim())).isTrue();
    assertThat(claim().attempt()).isEqualTo(1);
  }

  @Test
  void permits_cap_concurrent_calls_and_expire() {
    assertThat(queue.oneC().tryAcquirePermit("a", 2, LEASE, null).granted()).isTrue();
    assertThat(queue.oneC().tryAcquirePermit("b", 2, Duration.ofMillis(50), null).granted()).isTrue();
    assertThat(queue.oneC().tryAcquirePermit("c", 2, LEASE, null).granted()).isFalse();
    sleep(80);
    assertThat(queue.oneC().tryAcquirePermit("c", 2, LEASE, null).granted()).as("b expired").isTrue();
    queue.oneC().releasePermit("a");
    assertThat(queue.oneC().tryAcquirePermit("d", 2, LEASE, null).granted()).isTrue();
  }

  @Test
  void only_one_caller_gets_a_periodic_lock_per_interval() {
    assertThat(queue.fleetLock().tryLock("reaper", Duration.ofSeconds(5), "w1")).isTrue();
    assertThat(queue.fleetLock().tryLock("reaper", Duration.ofSeconds(5), "w2")).isFalse();
  }

  @Test
  void stats_report_sizes_and_the_oldest_waiting_job() {
    queue.enqueue("70", "t");
    sleep(30);
    queue.enqueue("71", "t");
    QueueStats.Stats stats = queue.stats();
    assertThat(stats.ready()).isEqualTo(2);
    assertThat(stats.oldestWaiting()).hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(25)));
    assertThat(stats.counters()).containsEntry("enqueued", 2L);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void once_the_fleet_sees_1c_down_only_one_probe_is_leased_and_may_call_and_an_answer_brings_it_back() {
    Duration open = Duration.ofMillis(300);
    for (int id = 1; id <= 5; id++) {
      queue.enqueue(Integer.toString(id), "test");
    }
    List<ClaimedJob> jobs = queue.claim(LEASE, "w", 3).jobs();
    // Two orders fail in a row: the second does not look specific to its order (and the first's attempt is given
    // back then: see below).
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(0), 3, open, open.multipliedBy(4)))
        .isEqualTo(new OneCGate.Health(false, false, Duration.ZERO));
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(1), 3, open, open.multipliedBy(4)).refund())
        .isTrue();
    OneCGate.Health down = queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(2), 3, open, open.multipliedBy(4));
    assertThat(down.down()).isTrue();
    assertThat(down.refund()).isTrue();
    assertThat(queue.stats().counters()).containsEntry("circuit_open", 1L);

    // Down: no claim, no permit, until the probe is due; then exactly one job, marked as the probe.
    assertThat(queue.claim(LEASE, "w", 2)).isInstanceOf(ClaimResult.Empty.class);
    assertThat(queue.oneC().tryAcquirePermit("p1", 4, LEASE, null).oneCDown()).isTrue();
    sleep(open.plusMillis(50));
    List<ClaimedJob> probe = queue.claim(LEASE, "w", 2).jobs();
    assertThat(probe).singleElement().satisfies(j -> assertThat(j.probe()).isTrue());
    assertThat(queue.claim(LEASE, "w", 2)).as("one probe at a time").isInstanceOf(ClaimResult.Empty.class);
    assertThat(queue.oneC().tryAcquirePermit("p2", 4, LEASE, jobs.get(0).token()).oneCDown()).isTrue();
    assertThat(queue.oneC().tryAcquirePermit("p3", 4, LEASE, probe.get(0).token()).granted()).isTrue();

    // The probe fails: the next one waits twice as long. Then a probe is answered: up, claims resume.
    OneCGate.Health failed = queue.oneC().report(OneCGate.HealthReport.FAIL, probe.get(0), 3, open, open.multipliedBy(4));
    assertThat(failed.down()).isTrue();
    assertThat(failed.untilProbe()).isGreaterThan(open.plusMillis(100));
    sleep(failed.untilProbe().plusMillis(50));
    List<ClaimedJob> second = queue.claim(LEASE, "w", 2).jobs();
    assertThat(queue.ackAll(List.of(new Ack(second.get(0), "exported", Duration.ofMillis(5))))[0]).isTrue();
    assertThat(queue.stats().counters()).containsEntry("circuit_closed", 1L);
    queue.enqueue("6", "test");
    assertThat(queue.claim(LEASE, "w", 2)).isInstanceOf(ClaimResult.Jobs.class);
  }

  @Test
  void the_orders_that_waited_for_1c_while_it_was_down_go_first_once_it_answers_not_after_their_wait() {
    Duration open = Duration.ofMillis(300);
    for (int id = 1; id <= 3; id++) {
      queue.enqueue(Integer.toString(id), "test");
    }
    List<ClaimedJob> jobs = queue.claim(LEASE, "w", 3).jobs();
    for (ClaimedJob job : jobs) {
      queue.oneC().report(OneCGate.HealthReport.FAIL, job, 3, open, open.multipliedBy(4));
    }
    // 1C is down for the fleet; the third order's attempt waits without counting, as long as the worker says (a
    // failed probe waits out twice the probe interval: minutes with the defaults).
    queue.retryLater(jobs.get(2), Duration.ofMinutes(10), "1C answered 502", 502, null, true, false);
    queue.enqueue("4", "test"); // paid during the outage: behind it

    sleep(open.plusMillis(50));
    ClaimedJob probe = queue.claim(LEASE, "w", 1).jobs().get(0);
    assertThat(queue.ackAll(List.of(new Ack(probe, "exported", Duration.ofMillis(5))))[0]).isTrue();

    List<ClaimedJob> next = queue.claim(LEASE, "w", 1).jobs();
    assertThat(next).as("1C answers again: the order that waited for it goes first, not 10 minutes later")
        .extracting(ClaimedJob::orderId).containsExactly(jobs.get(2).orderId());
    assertThat(client.getScoredSortedSet(queue.keys().outageWaits()).size()).isZero();
  }

  @Test
  void a_retry_given_back_while_1c_is_up_keeps_its_delay() {
    queue.enqueue("1", "test");
    ClaimedJob job = queue.claim(LEASE, "w", 1).jobs().get(0);
    // Refunded (another order failed just before) but 1C is not down for the fleet: the schedule's delay holds.
    queue.retryLater(job, Duration.ofMinutes(10), "1C answered 502", 502, null, true, false);

    assertThat(queue.claim(LEASE, "w", 1)).isInstanceOf(ClaimResult.Empty.class);
    assertThat(client.getScoredSortedSet(queue.keys().outageWaits()).size()).isZero();
  }

  @Test
  void when_a_second_order_fails_right_after_the_first_the_first_orders_attempt_is_given_back_too() {
    Duration open = Duration.ofMillis(300);
    for (int id = 1; id <= 4; id++) {
      queue.enqueue(Integer.toString(id), "test");
    }
    List<ClaimedJob> jobs = queue.claim(LEASE, "w", 4).jobs();
    // The first failure looks like the order's own (its attempt counts, its move follows at once)...
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(0), 3, open, open.multipliedBy(4)).refund())
        .isFalse();
    queue.retryLater(jobs.get(0), Duration.ofMinutes(1), "1C answered 502", 502, null, false);
    assertThat(queue.job(jobs.get(0).orderId())).containsEntry("attempts", "1");
    // ...until another order fails with no answer in between: 1C is failing, not the first order.
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(1), 3, open, open.multipliedBy(4)).refund())
        .isTrue();
    assertThat(queue.job(jobs.get(0).orderId())).containsEntry("attempts", "0");

    // The same when the first order's move comes after the second report (its attempt still active).
    assertThat(queue.oneC().report(OneCGate.HealthReport.UP, null, 3, open, open.multipliedBy(4)).down())
        .as("an answer ends the streak").isFalse();
    queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(2), 3, open, open.multipliedBy(4));
    queue.retryLater(jobs.get(1), Duration.ZERO, "1C answered 502", 502, null, true);
    ClaimedJob again = queue.claim(LEASE, "w", 1).jobs().get(0);
    assertThat(again.orderId()).isEqualTo(jobs.get(1).orderId());
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, again, 3, open, open.multipliedBy(4)).refund()).isTrue();
    queue.retryLater(jobs.get(2), Duration.ofMinutes(1), "1C answered 502", 502, null, false);
    assertThat(queue.job(jobs.get(2).orderId())).containsEntry("attempts", "0");
  }

  @Test
  void an_attempt_is_given_back_only_while_it_is_the_one_that_failed() {
    Duration open = Duration.ofMillis(300);
    queue.enqueue("1", "test");
    queue.enqueue("2", "test");
    ClaimedJob first = queue.claim(LEASE, "w", 1).jobs().get(0);
    queue.oneC().report(OneCGate.HealthReport.FAIL, first, 3, open, open.multipliedBy(4));
    queue.retryLater(first, Duration.ZERO, "1C answered 502", 502, null, false);
    ClaimedJob again = queue.claim(LEASE, "w", 1).jobs().get(0); // its retry, a new attempt (the oldest job first)
    assertThat(again.orderId()).isEqualTo("1");
    assertThat(again.attempt()).isEqualTo(2);
    ClaimedJob second = queue.claim(LEASE, "w", 1).jobs().get(0);
    assertThat(queue.oneC().report(OneCGate.HealthReport.FAIL, second, 3, open, open.multipliedBy(4)).refund())
        .isTrue();
    assertThat(queue.job("1")).as("the attempt under way is not the one that failed").containsEntry("attempts", "2");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<JsonNode> dlq(JobQueue queue, int limit) {
    List<JsonNode> entries = new java.util.ArrayList<>();
    for (String raw : queue.deadLetters().raw(0, limit)) {
      try {
        entries.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return entries;
  }

  /**
   * stats() is one instant's figures: the console adds them up and /metrics exports them side by side. Before, they
   * were ten reads at ten instants, and a job claimed or handed back between the read of the ready list and that of
   * the active set was counted twice or not at all.
   */
  @Test
  void stats_are_one_instants_figures_while_jobs_move() throws Exception {
    int jobs = 20;
    for (int i = 1; i <= jobs; i++) {
      queue.enqueue(Integer.toString(5000 + i), "test");
    }
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread mover = Thread.ofPlatform().start(() -> {
      while (!stop.get()) {
        queue.claim(LEASE, "mover", 5).jobs().forEach(queue::release);
      }
    });
    List<Long> totals = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        QueueStats.Stats s = queue.stats();
        totals.add(s.ready() + s.active() + s.delayed() + s.dlq());
      }
    } finally {
      stop.set(true);
      mover.join();
    }
    assertThat(totals).containsOnly((long) jobs);
    assertThat(queue.stats().ready()).isEqualTo(jobs);
  }

  /**
   * The oldest waiting job's record edited by hand to a time that is not a whole number of ms: its age is not
   * known (none is made up) and the other figures still come.
   */
  @Test
  void stats_pass_over_an_enqueue_time_edited_by_hand() {
    queue.enqueue("6001", "test");
    var record = client.<String, String>getMap(queue.keys().job("6001"), org.redisson.client.codec.StringCodec.INSTANCE);
    for (String bad : List.of("abc", "1e15", "inf", "-5", "12345678901234567890", "")) {
      record.put("enqueued_at", bad);
      QueueStats.Stats s = queue.stats();
      assertThat(s.ready()).as(bad).isEqualTo(1);
      assertThat(s.oldestWaiting()).as(bad).isEmpty();
    }
    record.put("enqueued_at", Long.toString(System.currentTimeMillis() - 60_000));
    assertThat(queue.stats().oldestWaiting()).hasValueSatisfying(d ->
        assertThat(d).isBetween(Duration.ofSeconds(50), Duration.ofMinutes(5)));
  }
}
