package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The DLQ as a sorted set (P:dead) from a queue whose DLQ older versions wrote as a list (P:dlq): reindex.lua moves
 * the list in bounded calls, nothing lost or doubled; drop and requeue of one order work while the move is under
 * way; an entry an older worker still pushes onto the list during a rolling upgrade moves too.
 */
@ExtendWith(RedisExtension.class)
class DlqMigrationTest {
  private static final int DEAD = 3_000;
  private final JobQueue queue;
  private final RedissonClient client;
  private final QueueKeys keys;

  DlqMigrationTest(TestRedis redis) {
    this.queue = redis.queue();
    this.client = redis.client();
    this.keys = queue.keys();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
  }

  private List<Object> run(String script, List<String> scriptKeys, String... args) {
    return client.getScript(StringCodec.INSTANCE).eval(keys.stats(), RScript.Mode.READ_WRITE,
        Scripts.withoutComments(Scripts.assemble(script)), RScript.ReturnType.LIST, new ArrayList<>(scriptKeys),
        (Object[]) args);
  }

  private long drop(String id) {
    Long n = client.getScript(StringCodec.INSTANCE).eval(keys.stats(), RScript.Mode.READ_WRITE,
        Scripts.withoutComments(Scripts.assemble("drop")), RScript.ReturnType.LONG, List.of(keys.dlq()),
        keys.prefix(), "", "0", id);
    return n;
  }

  /** One step of the walk, as any caller of reindex.lua makes it. */
  private List<Object> step() {
    return run("reindex", List.of(keys.ready(), keys.dlq(), keys.dlqReasons(), keys.dlqReasonsWalk(), keys.indexes(),
        keys.legacyDlq(), keys.dlqUnreadable()), keys.prefix(), "dlq", "200");
  }

  private Set<String> members() {
    return new HashSet<>(client.<String>getScoredSortedSet(keys.dlq(), StringCodec.INSTANCE).readAll());
  }

  private List<String> legacy() {
    return client.<String>getList(keys.legacyDlq(), StringCodec.INSTANCE).readAll();
  }

  @Test
  void requeue_of_every_entry_empties_the_unreadable_ones_too_and_their_count() {
    BigQueueTest.fill(client, queue, 30, 0, 0);
    var list = client.<String>getList(keys.legacyDlq(), StringCodec.INSTANCE);
    list.add(0, "garbage pushed by hand");
    list.add(0, "more garbage");
    assertThat(queue.reconciliation().reindex()).isTrue();
    assertThat(queue.deadLetters().reasons()).containsEntry("unreadable", 2L);

    assertThat(queue.deadLetters().requeueAll()).as("the 30 orders").isEqualTo(30);

    assertThat(client.<String>getList(keys.dlqUnreadable(), StringCodec.INSTANCE).readAll()).isEmpty();
    assertThat(queue.stats().dlq()).isZero();
    assertThat(queue.deadLetters().reasons()).isEmpty();
  }

  @Test
  void a_dlq_list_moves_into_the_set_in_bounded_calls_with_drop_and_requeue_working_meanwhile() {
    BigQueueTest.fill(client, queue, DEAD, 0, 0); // ids 1..3000, oldest at the list's far end, counted
    var list = client.<String>getList(keys.legacyDlq(), StringCodec.INSTANCE);
    String ten = list.get(DEAD - 10);
    assertThat(ten).contains("\"order_id\":\"10\"");
    list.add(0, ten); // a second entry for order 10
    list.add(0, "garbage pushed by hand");
    list.add(0, "{\"order_id\":\"900001\",\"reason\":\"invalid\",\"attempts\":1,\"last_error\":\"no items\"}");
    client.<String, String>getMap(keys.job("900002"), StringCodec.INSTANCE)
        .putAll(Map.of("order_id", "900002", "state", "ready", "attempts", "0"));
    list.add(0, "{\"order_id\":\"900002\",\"reason\":\"exhausted\"}"); // its order was queued again since
    assertThat(queue.stats().dlq()).isEqualTo(DEAD + 4);

    for (int i = 0; i < 5; i++) {
      assertThat(step().get(0)).isEqualTo(0L);
    }
    assertThat(members()).hasSize(1_000).contains("1", "1000").doesNotContain("1001");
    assertThat(legacy()).hasSize(DEAD + 4 - 1_000);
    assertThat(queue.stats().dlq()).as("the same entries, wherever they are").isEqualTo(DEAD + 4);

    // While the move is under way: drop and requeue of one order, in the set or still in the list.
    assertThat(drop("5")).isEqualTo(1L);
    assertThat(drop("2500")).isEqualTo(1L);
    List<String> requeueKeys = List.of(keys.dlq(), keys.ready(), keys.wake(), keys.stats());
    assertThat(run("requeue", requeueKeys, keys.prefix(), "", "0", "=", "", "0", "1", "6", "2600").get(0))
        .isEqualTo(2L);
    assertThat(queue.job("5")).isEmpty();
    assertThat(queue.job("2500")).isEmpty();
    assertThat(queue.job("2600")).containsEntry("state", "ready");
    // An older worker dead-letters an order meanwhile: onto the list, as it always did.
    client.<String, String>getMap(keys.job("777777"), StringCodec.INSTANCE).putAll(Map.of("order_id", "777777",
        "state", "dead", "reason", "rejected", "dead_at", Long.toString(System.currentTimeMillis() + 60_000),
        "attempts", "1", "last_error", "1C said no"));
    list.add(0, "{\"order_id\":\"777777\",\"reason\":\"rejected\"}");

    long before = queue.scriptCalls();
    assertThat(queue.reconciliation().reindex()).isTrue();
    long calls = queue.scriptCalls() - before;
    // about 2,000 entries to move and 3,000 members to count, 200 a call
    assertThat(calls).as("walk calls").isBetween(20L, 60L);

    assertThat(legacy()).isEmpty();
    Set<String> expected = new HashSet<>();
    for (int i = 1; i <= DEAD; i++) {
      expected.add(Integer.toString(i));
    }
    expected.removeAll(Set.of("5", "6", "2500", "2600"));
    expected.addAll(Set.of("900001", "777777"));
    assertThat(members()).isEqualTo(expected);
    assertThat(client.<String>getList(keys.dlqUnreadable(), StringCodec.INSTANCE).readAll())
        .containsExactly("garbage pushed by hand");
    assertThat(queue.stats().dlq()).isEqualTo(expected.size() + 1);
    assertThat(queue.deadLetters().reasons()).isEqualTo(Map.of("exhausted", (long) DEAD - 4, "invalid", 1L,
        "rejected", 1L, "unreadable", 1L));
    assertThat(queue.job("900001")).containsEntry("state", "dead").containsEntry("reason", "invalid")
        .containsEntry("last_error", "no items");
    assertThat(queue.job("900002")).containsEntry("state", "ready");

    // Listed newest first, the unreadable entries last; one copy of order 10, dropped at once.
    List<String> page = queue.deadLetters().raw(0, 2);
    assertThat(page.get(0)).contains("\"order_id\":\"777777\"").contains("\"reason\":\"rejected\"");
    assertThat(queue.deadLetters().raw(expected.size(), 5)).containsExactly("garbage pushed by hand");
    assertThat(queue.deadLetters().drop("10")).isEqualTo(1);
    assertThat(queue.deadLetters().requeue("900001")).isEqualTo(1);
    assertThat(queue.deadLetters().purge()).isEqualTo(expected.size() - 2 + 1);
    assertThat(queue.stats().dlq()).isZero();
    assertThat(queue.deadLetters().reasons()).isEmpty();
    assertThat(callsAfterDone()).as("once moved and counted, one short call").isEqualTo(1);
  }

  private long callsAfterDone() {
    long before = queue.scriptCalls();
    queue.deadLetters().reasons();
    return queue.scriptCalls() - before;
  }
}
