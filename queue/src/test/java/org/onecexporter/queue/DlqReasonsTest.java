package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.admin.Reconciliation;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.client.codec.StringCodec;

/**
 * The DLQ's counts by reason ({@code P:dlq_reasons}) follow every script that adds or removes an entry, and equal
 * what a count of the whole list says; a DLQ written before the counts existed (or edited by hand) is counted again.
 */
@ExtendWith(RedisExtension.class)
class DlqReasonsTest {
  private final JobQueue queue;
  private final TestRedis redis;

  DlqReasonsTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  private void deadLetter(String orderId, String reason) {
    queue.enqueue(orderId, "enqueuer");
    ClaimedJob job = queue.claim(Duration.ofSeconds(30), "w1", 1).jobs().get(0);
    assertThat(queue.deadLetter(job, reason, "why", 0, null)).isTrue();
  }

  /** What counting every entry of the list says (the reference the kept counts must equal). */
  private Map<String, Long> counted() {
    Map<String, Long> counts = new TreeMap<>();
    for (String entry : queue.deadLetters().raw(0, 100_000)) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"reason\":\"([^\"]*)\"").matcher(entry);
      counts.merge(m.find() ? m.group(1) : "unreadable", 1L, Long::sum);
    }
    return counts;
  }

  @Test
  void every_move_in_and_out_of_the_dlq_keeps_the_counts() {
    deadLetter("1", "exhausted");
    deadLetter("2", "exhausted");
    deadLetter("3", "invalid");
    deadLetter("4", "exhausted");
    deadLetter("5", "stalled");
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", 3L, "invalid", 1L, "stalled", 1L))
        .isEqualTo(counted());

    assertThat(queue.deadLetters().requeue("2")).isEqualTo(1);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", 2L, "invalid", 1L, "stalled", 1L));
    assertThat(queue.deadLetters().requeueReason("exhausted")).isEqualTo(2);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("invalid", 1L, "stalled", 1L)).isEqualTo(counted());
    assertThat(queue.deadLetters().drop("3")).isEqualTo(1);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("stalled", 1L)).isEqualTo(counted());

    // A list deleted by hand: the counts no longer add up and are counted again; the reconciler's sweep puts the
    // dead record's entry back, and it is counted.
    redis.client().getList(queue.keys().dlq(), StringCodec.INSTANCE).delete();
    assertThat(queue.deadLetters().reasons()).isEmpty();
    var step = Reconciliation.SweepStep.from("0");
    do {
      step = queue.reconciliation().sweep(step);
    } while (!step.complete());
    assertThat(queue.deadLetters().length()).isEqualTo(1);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("stalled", 1L)).isEqualTo(counted());
  }

  @Test
  void a_dlq_written_before_the_counts_is_counted_once_and_purge_empties_the_counts() {
    for (int i = 1; i <= 2500; i++) {
      deadLetterQuick(Integer.toString(i), i % 5 == 0 ? "invalid" : "exhausted");
    }
    redis.client().getList(queue.keys().legacyDlq(), StringCodec.INSTANCE).add(0, "garbage pushed by hand");
    redis.client().getKeys().delete(queue.keys().prefix() + ":dlq_reasons");
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", 2000L, "invalid", 500L, "unreadable", 1L))
        .isEqualTo(counted());
    deadLetter("9001", "invalid");
    assertThat(queue.deadLetters().reasons()).containsEntry("invalid", 501L);

    queue.deadLetters().purge();
    assertThat(queue.deadLetters().reasons()).isEmpty();
    deadLetter("9002", "exhausted");
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", 1L));
  }

  /** A DLQ entry as deadletter.lua writes it, pushed directly (the counts do not see it: an older DLQ). */
  private void deadLetterQuick(String id, String reason) {
    redis.client().getList(queue.keys().legacyDlq(), StringCodec.INSTANCE).add(0, "{\"order_id\":\"" + id
        + "\",\"reason\":\"" + reason + "\",\"attempts\":8,\"last_error\":\"x \\\"reason\\\":\\\"fake\\\"\"}");
  }
}
