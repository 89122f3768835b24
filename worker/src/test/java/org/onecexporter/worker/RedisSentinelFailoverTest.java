package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.QueueUnavailableException;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.testing.SentinelGroup;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;
import org.redisson.api.RedissonClient;

/**
 * A Redis Sentinel failover under load, against real processes: a primary, a replica and three sentinels
 * ({@link SentinelGroup}), PostgreSQL for the orders. The payment path's library enqueues a stream of paid orders
 * while a consumer claims and acks them the way a worker does; the primary is killed with SIGKILL mid-stream.
 *
 * <p>What must hold: no enqueue holds the payment longer than the library's timeout allows (it fails with
 * {@link QueueUnavailableException} while there is no primary); once the sentinels have promoted the replica the
 * same clients enqueue, claim and ack again; an ack is only ever undone when it was among the last writes before
 * the kill (asynchronous replication); and the reconciler then finds every paid order whose job the failover lost,
 * so every order ends up exported.
 *
 * <p>PostgreSQL only: the test is about Redis's failover; the order store and the reconciler under it run on both
 * databases in WorkerIntegrationTest and ReconcilerTest and their OnMariaDb subclasses.
 */
@ExtendWith(PostgresExtension.class)
class RedisSentinelFailoverTest {
  private static final int ORDERS = 400;
  /** ENQUEUER_REDIS_TIMEOUT_MS of the payment path. */
  private static final int ENQUEUE_TIMEOUT_MS = 500;
  /** The library's own bound is its timeout x 1 attempt + 50 ms; the rest is scheduling slack on a loaded machine. */
  private static final long ENQUEUE_BOUND_MS = 1500;
  /** The replication lag on loopback is a few ms; a write older than this before the kill is on the replica. */
  private static final long LAST_WRITES_MS = 1000;
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static SentinelGroup group;
  private final TestDatabase db;

  RedisSentinelFailoverTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeAll
  static void start() throws Exception {
    group = SentinelGroup.start();
  }

  @AfterAll
  static void stop() {
    if (group != null) {
      group.close();
    }
  }

  private record Call(long orderId, EnqueueStatus status, long startedNanos, long endedNanos) {
    long millis() {
      return (endedNanos - startedNanos) / 1_000_000;
    }
  }

  @Test
  void a_failover_under_load_fails_enqueues_fast_doubles_no_kept_ack_and_the_reconciler_finds_what_it_lost()
      throws Exception {
    String prefix = "{t:sentinel:" + UUID.randomUUID().toString().substring(0, 8) + "}";
    Map<String, String> env = Map.of("REDIS_URL", group.url(),
        "REDIS_SENTINEL_PASSWORD", SentinelGroup.SENTINEL_PASSWORD,
        "QUEUE_PREFIX", prefix,
        "ENQUEUER_REDIS_TIMEOUT_MS", Integer.toString(ENQUEUE_TIMEOUT_MS));
    for (long id = 1; id <= ORDERS; id++) {
      aPaidOrder(id).insert(db.jdbi()); // the payment committed; then the payment path enqueues
    }
    RedissonClient workerRedis = RedisConnections.create(env, 16); // the worker's client: 5 s timeout, 2 retries
    JobQueue queue = new JobQueue(workerRedis, new QueueKeys(prefix));
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentHashMap<Long, Long> ackedAt = new ConcurrentHashMap<>(); // order -> its first successful ack
    ConcurrentHashMap<Long, Long> reclaimedAfterAck = new ConcurrentHashMap<>(); // order -> the ack that was undone
    AtomicLong acks = new AtomicLong();
    AtomicLong consumerErrors = new AtomicLong();
    try (InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv(env, InvoiceEnqueuer.Listener.NONE)) {
      group.command(group.primaryPort(), "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
      assertThat(queue.queueStats().maxmemoryPolicy()).as("read from the primary").contains("allkeys-lru");
      group.command(group.primaryPort(), "CONFIG", "SET", "maxmemory-policy", "noeviction");
      assertThat(queue.queueStats().maxmemoryPolicy()).contains("noeviction");
      assertThat(enqueuer.ready()).isTrue();

      Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
        long lastReap = 0;
        while (!stop.get()) {
          try {
            if (System.nanoTime() - lastReap > 500_000_000L) {
              queue.reap(100);
              lastReap = System.nanoTime();
            }
            ClaimResult claimed = queue.claim(LEASE, "sentinel-test", 10);
            if (claimed.jobs().isEmpty()) {
              Thread.sleep(10);
            }
            for (ClaimedJob job : claimed.jobs()) {
              long id = Long.parseLong(job.orderId());
              Long acked = ackedAt.get(id);
              if (acked != null) {
                reclaimedAfterAck.putIfAbsent(id, acked);
              }
              db.jdbi().useHandle(h -> h.execute(
                  "UPDATE orders SET invoice_exported_to_1c = TRUE WHERE id = ?", id)); // the export
              if (ackUntilAnswered(queue, job, stop)) {
                ackedAt.putIfAbsent(id, System.nanoTime());
                acks.incrementAndGet();
              }
            }
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) { // no primary now: as a worker does, wait a little and claim again
            consumerErrors.incrementAndGet();
            sleep(50);
          }
        }
      });

      List<Call> calls = new ArrayList<>();
      long killedAt = 0;
      for (long id = 1; id <= ORDERS; id++) {
        if (id == ORDERS / 4) {
          await().atMost(Duration.ofSeconds(10)).until(() -> acks.get() > ORDERS / 8); // claims and acks flow
          group.killPrimary();
          killedAt = System.nanoTime();
        }
        long started = System.nanoTime();
        EnqueueStatus status;
        try {
          status = enqueuer.enqueue(id);
        } catch (QueueUnavailableException e) {
          status = EnqueueStatus.FAILED;
        }
        calls.add(new Call(id, status, started, System.nanoTime()));
        Thread.sleep(15);
      }
      long kill = killedAt;

      List<Call> failed = calls.stream().filter(c -> c.status() == EnqueueStatus.FAILED).toList();
      Call firstAfter = calls.stream().filter(c -> c.startedNanos() > kill && c.status() == EnqueueStatus.QUEUED)
          .findFirst().orElseThrow(() -> new AssertionError("no enqueue succeeded after the kill; logs in "
              + group.dir()));
      long maxMillis = calls.stream().mapToLong(Call::millis).max().orElseThrow();
      System.out.printf("sentinel failover: %d enqueues failed, the slowest call took %d ms, the first enqueue after"
          + " the kill succeeded %d ms after it%n", failed.size(), maxMillis,
          (firstAfter.endedNanos() - kill) / 1_000_000);
      assertThat(group.masterPort()).as("the sentinels promoted the replica").isEqualTo(group.replicaPort());
      assertThat(group.replicationInfo(group.replicaPort(), "role")).isEqualTo("master");
      assertThat(failed).as("enqueues without a primary fail").isNotEmpty()
          .allSatisfy(c -> assertThat(c.startedNanos()).isGreaterThanOrEqualTo(kill));
      assertThat(calls).as("no enqueue holds the payment").allSatisfy(c ->
          assertThat(c.millis()).as("order %d", c.orderId()).isLessThan(ENQUEUE_BOUND_MS));
      assertThat(calls.getLast().status()).as("the same client enqueues on the new primary")
          .isEqualTo(EnqueueStatus.QUEUED);
      assertThat(enqueuer.ready()).isTrue();
      group.command(group.replicaPort(), "CONFIG", "SET", "maxmemory-policy", "volatile-lru");
      assertThat(queue.queueStats().maxmemoryPolicy()).as("read from the new primary").contains("volatile-lru");
      group.command(group.replicaPort(), "CONFIG", "SET", "maxmemory-policy", "noeviction");

      // Drain what the queue has; what is still unexported then is what the failover lost.
      await().atMost(Duration.ofSeconds(20)).until(() -> isEmpty(queue));
      Set<Long> lost = new HashSet<>(unexported());
      Set<Long> acknowledgedButLost = new HashSet<>();
      for (Call c : calls) {
        if (lost.contains(c.orderId()) && c.status() == EnqueueStatus.QUEUED) {
          acknowledgedButLost.add(c.orderId());
          assertThat(c.endedNanos()).as("order %d: an acknowledged enqueue lost must be among the last writes before"
              + " the kill", c.orderId()).isBetween(kill - LAST_WRITES_MS * 1_000_000, kill);
        }
      }
      assertThat(lost).as("the failed enqueues left orders without a job").isNotEmpty();
      System.out.printf("sentinel failover: %d order(s) without a job after the failover (%d acknowledged enqueue(s)"
          + " lost), %d ack(s) undone, %d consumer error(s)%n", lost.size(), acknowledgedButLost.size(),
          reclaimedAfterAck.size(), consumerErrors.get());

      Reconciler.Report report = new Reconciler(db.jdbi(), queue, Duration.ZERO).run();
      assertThat(report.queued()).as("the reconciler queues exactly the lost orders").isEqualTo(lost.size());
      // Orders enqueued after the failover and the ones the reconciler queued: claimed and acked on the new primary.
      await().atMost(Duration.ofSeconds(20)).until(() -> unexported().isEmpty() && isEmpty(queue));

      assertThat(reclaimedAfterAck).as("an ack is undone only when it was among the last writes before the kill")
          .allSatisfy((id, ack) -> assertThat(ack).isBetween(kill - LAST_WRITES_MS * 1_000_000, kill));
      assertThat(new Reconciler(db.jdbi(), queue, Duration.ZERO).run().queued()).isZero();
    } finally {
      stop.set(true);
      workerRedis.shutdown();
    }
  }

  @Test
  void ops_requeue_dlq_asks_the_sentinels_for_the_primary() throws Exception {
    String prefix = "{t:sentinel:" + UUID.randomUUID().toString().substring(0, 8) + "}";
    Map<String, String> env = Map.of("REDIS_URL", group.url(),
        "REDIS_SENTINEL_PASSWORD", SentinelGroup.SENTINEL_PASSWORD, "QUEUE_PREFIX", prefix);
    RedissonClient redis = RedisConnections.create(env, 4);
    try {
      JobQueue queue = new JobQueue(redis, new QueueKeys(prefix));
      queue.enqueue("41", "test");
      ClaimedJob job = queue.claim(LEASE, "w", 1).jobs().getFirst();
      assertThat(queue.deadLetter(job, "invalid", "a test", 0, null)).isTrue();

      ProcessBuilder requeue = new ProcessBuilder(
          Path.of(System.getProperty("user.dir")).getParent().resolve("ops/requeue-dlq").toString(), "41");
      requeue.environment().putAll(env);
      requeue.redirectErrorStream(true);
      Process process = requeue.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(out).contains("requeued 1 job(s)").doesNotContain(SentinelGroup.DATA_PASSWORD)
          .doesNotContain(SentinelGroup.SENTINEL_PASSWORD);
      assertThat(process.exitValue()).isZero();
      assertThat(queue.stats().dlq()).isZero();
      assertThat(queue.stats().ready()).isEqualTo(1);
    } finally {
      redis.shutdown();
    }
  }

  /** Acks, trying again while there is no primary; true when the ack was taken, false when the lease was lost. */
  private static boolean ackUntilAnswered(JobQueue queue, ClaimedJob job, AtomicBoolean stop)
      throws InterruptedException {
    while (!stop.get()) {
      try {
        return queue.ackAll(List.of(new Ack(job, "exported", null)))[0];
      } catch (RuntimeException e) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  private static boolean isEmpty(JobQueue queue) {
    try {
      QueueStats.Stats stats = queue.stats();
      return stats.ready() == 0 && stats.active() == 0 && stats.delayed() == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private List<Long> unexported() {
    return db.jdbi().withHandle(h -> h.createQuery(
        "SELECT id FROM orders WHERE status = 'paid' AND NOT invoice_exported_to_1c ORDER BY id")
        .mapTo(Long.class).list());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
