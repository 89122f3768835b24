package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.console.DlqEntries;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;
import org.redisson.client.codec.StringCodec;

/**
 * The reconciler against real PostgreSQL and Redis: job records whose structure entry vanished are put back
 * (issue 11, item 4), and the candidates are walked with a cursor across runs so that orders sitting in the DLQ for
 * good never hide a newer order whose enqueue was lost (item 5).
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class ReconcilerTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;

  ReconcilerTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    db.truncate();
    queue.deleteAll();
  }

  /** Enqueues, claims and dead-letters one order the way a worker does. */
  private void deadLetter(String orderId, String reason) {
    queue.enqueue(orderId, "test");
    ClaimResult claimed = queue.claim(LEASE, "w", 1);
    assertThat(claimed).isInstanceOf(ClaimResult.Jobs.class);
    ClaimedJob job = claimed.jobs().get(0);
    assertThat(job.orderId()).isEqualTo(orderId);
    assertThat(queue.deadLetter(job, reason, "because " + reason, 0, null)).isTrue();
  }

  private List<String> readyList() {
    return redis.client().<String>getList(queue.keys().ready(), StringCodec.INSTANCE).readAll();
  }

  @Test
  void the_dlq_list_deleted_by_hand_is_rebuilt_from_the_dead_records() {
    aPaidOrder(1).customer("", "", null).insert(db.jdbi()); // paid, invalid: a candidate
    aPaidOrder(2).status("new").insert(db.jdbi()); // not paid: only the sweep over job records finds it
    deadLetter("1", "invalid");
    deadLetter("2", "not_paid");
    deadLetter("garbage-1", "malformed");
    deadLetter("{\"order\":", "malformed"); // an id whose JSON needs escapes
    redis.client().getKeys().delete(queue.keys().dlq()); // "DEL P:dead" by an operator

    assertThat(queue.deadLetters().requeue("1")).as("stranded: requeue finds nothing").isZero();
    assertThat(queue.enqueue("1", "test").queued()).as("stranded: enqueue answers exists").isFalse();

    Reconciler.Report report = new Reconciler(db.jdbi(), queue, Duration.ZERO).run();

    assertThat(report.rehomed()).isEqualTo(4);
    List<JsonNode> entries = DlqEntries.read(queue, 10);
    assertThat(entries).extracting(e -> e.get("order_id").asText() + ":" + e.get("reason").asText())
        .containsExactlyInAnyOrder("1:invalid", "2:not_paid", "garbage-1:malformed", "{\"order\"::malformed");
    assertThat(entries).allSatisfy(e -> assertThat(e.get("last_error").asText()).startsWith("because "));
    assertThat(new Reconciler(db.jdbi(), queue, Duration.ZERO).run().rehomed()).as("idempotent").isZero();
    assertThat(queue.stats().dlq()).isEqualTo(4);
    assertThat(queue.deadLetters().requeue("1")).as("an operator can requeue it again").isEqualTo(1);
  }

  @Test
  void a_ready_entry_that_vanished_is_queued_again_and_lost_set_members_come_back() {
    aPaidOrder(5).insert(db.jdbi());
    aPaidOrder(6).insert(db.jdbi());
    queue.enqueue("5", "test");
    queue.enqueue("6", "test");
    ClaimedJob active = queue.claim(LEASE, "w", 1).jobs().get(0);
    assertThat(active.orderId()).isEqualTo("5");
    redis.client().getList(queue.keys().ready(), StringCodec.INSTANCE).remove("6"); // LREM: eviction, a hand
    redis.client().getScoredSortedSet(queue.keys().active(), StringCodec.INSTANCE).remove("5"); // ZREM

    Reconciler.Report report = new Reconciler(db.jdbi(), queue, Duration.ZERO).run();

    assertThat(report.rehomed()).isEqualTo(2);
    assertThat(readyList()).containsExactly("6");
    assertThat(queue.extendAll(List.of(active), LEASE)[0]).as("the live worker keeps its lease").isTrue();
    assertThat(queue.stats().active()).isEqualTo(1);
    ClaimResult next = queue.claim(LEASE, "w", 1);
    assertThat(next).isInstanceOf(ClaimResult.Jobs.class);
    assertThat(next.jobs().get(0).orderId()).isEqualTo("6");
  }

  @Test
  void orders_dead_for_good_do_not_hide_a_newer_lost_order_and_batches_go_in_one_call() {
    // 12 paid orders, the oldest 10 invalid and in the DLQ for good; 11 and 12 lost their enqueue.
    for (long id = 1; id <= 12; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    for (long id = 1; id <= 10; id++) {
      deadLetter(Long.toString(id), "invalid");
    }
    int batch = 4; // a run takes 4 candidates: the DLQ alone is 2.5 runs' worth
    int runs = 0;
    int queued = 0;
    while (queued < 2 && runs < 4) {
      queued += new Reconciler(db.jdbi(), queue, Duration.ZERO, batch).run().queued();
      runs++;
    }
    assertThat(queued).as("11 and 12 queued within %d runs", runs).isEqualTo(2);
    assertThat(runs).isEqualTo(3);
    assertThat(queue.job("11")).containsEntry("state", "ready").containsEntry("source", "reconciler");
    assertThat(queue.job("12")).containsEntry("state", "ready");
    assertThat(queue.stats().dlq()).isEqualTo(10);
    // at the end the cursor wraps: the next run starts again from the oldest
    assertThat(queue.reconciliation().cursor("order_cursor", "?")).isEqualTo("12");
    Reconciler.Report again = new Reconciler(db.jdbi(), queue, Duration.ZERO, batch).run();
    assertThat(again.candidates()).isEqualTo(batch);
    assertThat(again.queued()).isZero();
  }

  @Test
  void a_redis_that_may_evict_is_reported() {
    WorkerMetrics metrics = new WorkerMetrics();
    String policy = queue.queueStats().maxmemoryPolicy().orElse("unknown");
    List<String> warnings = WorkerRuntime.evictionWarning(queue, metrics);
    String scrape = metrics.registry().scrape();
    if (policy.equals("noeviction")) {
      assertThat(warnings).isEmpty();
      assertThat(scrape).contains("onec_redis_eviction_unsafe 0.0");
    } else {
      assertThat(warnings).singleElement().asString().contains(policy, "noeviction");
      assertThat(scrape).contains("onec_redis_eviction_unsafe 1.0");
    }
  }
}
