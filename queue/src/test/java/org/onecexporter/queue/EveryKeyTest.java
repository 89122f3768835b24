package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;

/** QueueKeys names every key the queue writes: after every kind of move, no other key exists under the prefix. */
@ExtendWith(RedisExtension.class)
class EveryKeyTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;
  private final RedissonClient client;

  EveryKeyTest(TestRedis redis) {
    this.queue = redis.queue();
    this.client = redis.client();
  }

  @Test
  void every_key_under_the_prefix_is_one_queue_keys_names() {
    queue.deleteAll();
    QueueKeys keys = queue.keys();
    for (String id : List.of("1", "2", "3", "4", "5")) {
      queue.enqueue(id, "test");
    }
    List<ClaimedJob> jobs = queue.claim(LEASE, "w", 4).jobs();
    queue.ackAll(List.of(new Ack(jobs.get(0), "exported", Duration.ofMillis(3))));
    queue.retryLater(jobs.get(1), Duration.ofMinutes(1), "503", 503, null, false);
    queue.deadLetter(jobs.get(2), "exhausted", "503", 503, null);
    queue.oneC().report(OneCGate.HealthReport.FAIL, jobs.get(3), 5, LEASE, LEASE);
    queue.oneC().tryAcquirePermit("p", 2, LEASE, null);
    queue.oneC().releasePermit("p");
    queue.oneC().tryAcquirePermit("q", 2, LEASE, null);
    queue.fleetLock().tryLock("reaper", LEASE, "w");
    queue.reconciliation().saveCursor("order_cursor", "5");
    queue.reconciliation().reconcileOrders(List.of("6"), "reconciler");
    queue.deadLetters().reasons();
    queue.reconciliation().reindex();
    queue.reap(3);

    List<String> found = new ArrayList<>();
    client.getKeys().getKeys(KeysScanOptions.defaults().pattern(
        keys.prefix().replace("{", "\\{").replace("}", "\\}") + ":*")).forEach(found::add);
    List<String> named = new ArrayList<>(List.of(keys.ready(), keys.delayed(), keys.active(), keys.dlq(),
        keys.dlqReasons(), keys.exportTimes(), keys.wake(), keys.stats(), keys.permits(), keys.permitsWake(),
        keys.onecHealth(), keys.reconcile(), keys.workers(), keys.lock("reaper"), keys.indexes(),
        keys.dlqReasonsWalk(), keys.legacyDlq(), keys.dlqUnreadable(), keys.outageWaits()));
    List<String> unknown = found.stream().filter(k -> !named.contains(k)
        && !k.startsWith(keys.job("")) && !k.startsWith(keys.reply(""))).toList();
    assertThat(unknown).as("keys QueueKeys does not name").isEmpty();
    assertThat(found).contains(keys.job("2"), keys.dlqReasons(), keys.onecHealth(), keys.exportTimes(), keys.indexes())
        .anyMatch(k -> k.startsWith(keys.reply("")));
  }
}
