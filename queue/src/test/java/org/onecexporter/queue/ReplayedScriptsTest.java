package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.admin.Reconciliation;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.model.Abandoned;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.AckClaim;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.queue.testing.ReplayingProxy;
import org.redisson.api.RedissonClient;

/**
 * Redisson resends a script whose answer did not come within its timeout, so Redis may run a move twice while the
 * caller reads only the second answer. Here every script call goes through {@link ReplayingProxy}, which runs it
 * twice and answers the second run: each move must answer what a single run answers and count once.
 */
@ExtendWith(RedisExtension.class)
class ReplayedScriptsTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static ReplayingProxy proxy;
  private static RedissonClient replayingClient;
  /** The queue under test: every script call it makes runs twice. */
  private final JobQueue replayed;
  /** The same keys without the proxy, to set the scene and to look. */
  private final JobQueue direct;

  ReplayedScriptsTest(TestRedis redis) throws Exception {
    synchronized (ReplayedScriptsTest.class) {
      if (proxy == null) {
        proxy = new ReplayingProxy(redis.url());
        replayingClient = RedisConnections.create(proxy.url(), 4);
      }
    }
    this.direct = redis.queue();
    this.replayed = new JobQueue(replayingClient, direct.keys());
  }

  @AfterAll
  static void stop() throws Exception {
    replayingClient.shutdown();
    proxy.close();
  }

  @BeforeEach
  void clean() {
    direct.deleteAll();
  }

  private ClaimedJob claimed(String orderId) {
    direct.enqueue(orderId, "test");
    return direct.claim(LEASE, "w", 1).jobs().get(0);
  }

  private long counter(String name) {
    return direct.stats().counters().getOrDefault(name, 0L);
  }

  @Test
  void the_proxy_runs_script_calls_twice() {
    int before = proxy.replayed();
    replayed.enqueue("1", "test");
    assertThat(proxy.replayed()).isEqualTo(before + 1);
  }

  @Test
  void a_replayed_enqueue_answers_queued() {
    assertThat(replayed.enqueue("1", "test")).isEqualTo(new EnqueueResult(true, "ready"));
    assertThat(replayed.enqueueAll(List.of("2", "3"), "test")).extracting(EnqueueResult::queued)
        .containsExactly(true, true);
    assertThat(direct.stats().ready()).isEqualTo(3);
    assertThat(counter("enqueued")).isEqualTo(3);
    assertThat(replayed.enqueue("1", "test")).as("a second call is no replay").isEqualTo(
        new EnqueueResult(false, "ready"));
  }

  @Test
  void a_replayed_claim_answers_the_jobs_of_the_first_run_and_leases_nothing_more() {
    for (String id : List.of("1", "2", "3")) {
      direct.enqueue(id, "test");
    }
    List<ClaimedJob> jobs = replayed.claim(LEASE, "w", 2).jobs();
    assertThat(jobs).extracting(ClaimedJob::orderId).containsExactly("1", "2");
    assertThat(direct.stats().active()).as("no batch leased to nobody").isEqualTo(2);
    assertThat(direct.stats().ready()).isEqualTo(1);
    assertThat(direct.job("1")).containsEntry("attempts", "1").containsEntry("token", jobs.get(0).token());
  }

  @Test
  void a_replayed_ack_answers_done_and_counts_once() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.ackAll(List.of(new Ack(job, "exported", Duration.ofMillis(5))))[0]).as("not 'taken over'").isTrue();
    assertThat(counter("exported")).isEqualTo(1);
    assertThat(direct.queueStats().timings(Duration.ofMinutes(1)).count()).isEqualTo(1);
  }

  @Test
  void a_replayed_ack_and_claim_answers_done() {
    ClaimedJob job = claimed("1");
    direct.enqueue("2", "test");
    direct.enqueue("3", "test");
    AckClaim r = replayed.ackAndClaim(List.of(new Ack(job, "exported", null)), LEASE, "w", 1);
    assertThat(r.acked()).containsExactly(true);
    assertThat(r.claimed()).extracting(ClaimedJob::orderId).containsExactly("2");
    assertThat(direct.job("2")).containsEntry("attempts", "1").containsEntry("token", r.claimed().get(0).token());
    assertThat(direct.stats().ready()).as("no second job leased").isEqualTo(1);
    assertThat(counter("exported")).isEqualTo(1);
  }

  @Test
  void a_replayed_retry_answers_done_and_counts_once() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.retryLater(job, Duration.ofMinutes(1), "503", 503, null, false, true)).isTrue();
    assertThat(counter("retried")).isEqualTo(1);
    assertThat(direct.job("1")).containsEntry("infra_failures", "1").containsEntry("state", "delayed");
  }

  @Test
  void a_replayed_dead_letter_answers_done_and_counts_once() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.deadLetter(job, "refused_by_1c", "400", 400, null)).as("not 'taken over'").isTrue();
    assertThat(counter("dead")).isEqualTo(1);
    assertThat(direct.deadLetters().length()).isEqualTo(1);
    assertThat(direct.deadLetters().reasons()).containsEntry("refused_by_1c", 1L);
  }

  @Test
  void a_replayed_release_answers_done() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.release(job)).isTrue();
    assertThat(direct.job("1")).containsEntry("attempts", "0").containsEntry("state", "ready");
  }

  @Test
  void a_replayed_abandon_answers_held_and_counts_one_stall() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.abandon(job, Duration.ofSeconds(2), 3, "w", "frozen")).isEqualTo(Abandoned.HELD);
    assertThat(direct.job("1")).containsEntry("stalls", "1").containsEntry("attempts", "0");
    assertThat(counter("abandoned")).isEqualTo(1);
  }

  @Test
  void a_replayed_transient_failure_counts_once() {
    ClaimedJob job = claimed("1");
    OneCGate.Health h = replayed.oneC().report(OneCGate.HealthReport.FAIL, job, 2, Duration.ofSeconds(5),
        Duration.ofMinutes(1));
    assertThat(h.down()).as("one failure of a threshold of 2").isFalse();
    assertThat(direct.oneC().state().failures()).isEqualTo(1);
  }

  @Test
  void a_replayed_reap_answers_how_many_it_moved() throws Exception {
    direct.enqueue("1", "test");
    direct.claim(Duration.ofMillis(1), "w", 1);
    Thread.sleep(20);
    assertThat(replayed.reap(3)).isEqualTo(1);
    assertThat(counter("stalled")).isEqualTo(1);
  }

  @Test
  void replayed_dlq_moves_answer_how_many_they_moved() {
    for (String id : List.of("1", "2", "3", "4")) {
      direct.deadLetter(claimed(id), "exhausted", "503", 503, null);
    }
    assertThat(replayed.deadLetters().requeue("1")).isEqualTo(1);
    assertThat(replayed.deadLetters().requeueOrders(List.of("2"))).isEqualTo(1);
    assertThat(counter("requeued")).isEqualTo(2);
    assertThat(replayed.deadLetters().drop("3")).isEqualTo(1);
    assertThat(replayed.deadLetters().purge()).isEqualTo(1);
    assertThat(direct.deadLetters().reasons()).isEmpty();
  }

  @Test
  void a_replayed_reindex_counts_every_entry_once() {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 1; i <= 450; i++) {
      ids.add(Integer.toString(i));
    }
    direct.enqueueAll(ids, "test");
    for (ClaimedJob job : direct.claim(LEASE, "w", 450).jobs()) {
      direct.deadLetter(job, "exhausted", "503", 503, null);
    }
    direct.deadLetters().length();
    replayingClient.getKeys().delete(direct.keys().dlqReasons());
    // Counted again in steps of 200, each step run twice: the second run walks the next step, none counts twice.
    assertThat(replayed.deadLetters().reasons()).isEqualTo(java.util.Map.of("exhausted", 450L));
    assertThat(replayed.reconciliation().reindex()).isTrue();
    assertThat(direct.deadLetters().reasons()).isEqualTo(java.util.Map.of("exhausted", 450L));
  }

  @Test
  void a_replayed_reconcile_answers_queued() {
    assertThat(replayed.reconciliation().reconcileOrders(List.of("1"), "reconciler")).extracting(Reconciliation.Reconciled::queued)
        .containsExactly(true);
    assertThat(counter("enqueued")).isEqualTo(1);
  }

  @Test
  void a_replayed_permit_request_is_granted() {
    assertThat(replayed.oneC().tryAcquirePermit("p1", 1, LEASE, null).granted()).isTrue();
    replayed.oneC().releasePermit("p1");
    assertThat(replayed.oneC().tryAcquirePermit("p2", 1, LEASE, null).granted()).isTrue();
  }

  @Test
  void a_replayed_lease_renewal_answers_kept() {
    ClaimedJob job = claimed("1");
    assertThat(replayed.extendAll(List.of(job), LEASE)).containsExactly(true);
  }
}
