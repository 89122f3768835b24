package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.testing.TestDatabase;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode.InfoSection;
import org.redisson.api.redisnode.RedisNodes;

/**
 * The console never starves the payment path: with a DLQ of 50,000 entries, several viewers reading the DLQ page and
 * order pages at once cost Redis no more than a page's worth of memory, answer quickly, and the payment
 * processor's enqueues beside them (its own client, 500 ms timeout, as {@link InvoiceEnqueuer#fromEnv} builds it)
 * all succeed within that timeout.
 *
 * <p>PostgreSQL only: the test is about the console's load on Redis; its reads of the shop database are tested on
 * both databases in ConsoleApiTest and ConsoleApiOnMariaDbTest.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class ConsoleBesidePaymentsTest {
  private static final String PASSWORD = "operator-secret-load-1";
  private static final int DLQ_SIZE = 50_000;
  private static final int READERS = 4;
  private static final int ROUNDS = 3;
  /** Orders with a dead job record (and a DLQ entry), whose pages the readers open. */
  private static final int DEAD_ORDERS = 8;
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private ConsoleServer console;
  private InvoiceEnqueuer payments;
  private RedissonClient consoleRedis;

  ConsoleBesidePaymentsTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    db.truncate();
    queue.deleteAll();
    // The console's own client, as ConsoleRuntime makes it; the test reads Redis' memory on another.
    consoleRedis = ConsoleRuntime.redis(Map.of("REDIS_URL", redis.url()));
    console = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, PASSWORD, Optional.empty()),
        new OperationsData(db.jdbi(), new JobQueue(consoleRedis, queue.keys()), Clock.systemUTC()),
        new InvoiceEnqueuer(new LazyQueue(() -> consoleRedis, queue.keys(), Duration.ofSeconds(1))),
        new SimpleMeterRegistry());
    payments = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", redis.url(), "QUEUE_PREFIX", redis.prefix(),
        "ENQUEUER_REDIS_TIMEOUT_MS", "500"), InvoiceEnqueuer.Listener.NONE);
  }

  @AfterEach
  void stop() {
    console.close();
    payments.close();
    consoleRedis.shutdown();
    queue.deleteAll();
  }

  /**
   * 50,000 DLQ entries as deadletter.lua of versions before the sorted set wrote them, onto the old DLQ list
   * (errors of a few hundred characters, as 1C's are), without job records.
   */
  private void fillDlq() {
    String fill = """
        local err = string.rep('1C answered 502 Bad Gateway: upstream timed out while reading the response ', 4)
        for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
          redis.call('LPUSH', KEYS[1], cjson.encode({order_id = tostring(i), invoice_number = 'INV-2026-' .. i,
            attempts = 8, reason = (i % 3 == 0) and 'invalid' or 'exhausted', first_error = err, last_error = err,
            last_http_status = 502, enqueued_at = 1767225600000 + i, dead_at = 1767229200000 + i, stalls = 0,
            infra_failures = 0}))
        end
        return 0""";
    RScript script = redis.client().getScript(org.redisson.client.codec.StringCodec.INSTANCE);
    for (int from = 1_000_000; from < 1_000_000 + DLQ_SIZE; from += 5000) {
      script.eval(queue.keys().legacyDlq(), RScript.Mode.READ_WRITE, fill, RScript.ReturnType.LONG,
          List.of(queue.keys().legacyDlq()), Integer.toString(from), Integer.toString(from + 4999));
    }
    // A few orders that died the ordinary way: a record in state dead and an entry (the newest ones).
    for (int i = 1; i <= DEAD_ORDERS; i++) {
      aPaidOrder(i).insert(db.jdbi());
      queue.enqueue(Integer.toString(i), "enqueuer");
      ClaimedJob job = queue.claim(Duration.ofSeconds(30), "w1", 1).jobs().get(0);
      queue.deadLetter(job, "exhausted", "1C answered 502", 502, null);
    }
    assertThat(queue.stats().dlq()).isEqualTo(DLQ_SIZE + DEAD_ORDERS);
    // The entries above were pushed behind the scripts' backs, as a DLQ of an older version: the first read moves the
    // list into the sorted set (each entry's record rebuilt from it) and counts it once (a one-off pass on upgrade),
    // here before the measurement.
    long t0 = System.nanoTime();
    assertThat(queue.deadLetters().reasons()).containsEntry("exhausted", 33_334L + DEAD_ORDERS).containsEntry("invalid", 16_666L);
    System.out.printf("counting a DLQ of %d entries once took %d ms%n", DLQ_SIZE + DEAD_ORDERS,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private long usedMemory() {
    return Long.parseLong(redis.client().getRedisNodes(RedisNodes.SINGLE).getInstance().info(InfoSection.MEMORY)
        .get("used_memory"));
  }

  @Test
  void viewers_of_a_large_dlq_cost_redis_a_page_and_the_payment_path_keeps_enqueueing() throws Exception {
    fillDlq();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String auth = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    assertThat(payments.enqueue(1_999_999)).as("the payment processor's client is connected, as in a running shop")
        .isEqualTo(EnqueueStatus.QUEUED);
    long baseline = usedMemory();
    AtomicLong peak = new AtomicLong(baseline);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(READERS + 2);
    try {
      Future<?> sampler = pool.submit(() -> {
        while (!done.get()) {
          peak.accumulateAndGet(usedMemory(), Math::max);
          Thread.sleep(5);
        }
        return null;
      });
      // The payment path: enqueues one after another for as long as the viewers read.
      List<Long> enqueueMillis = Collections.synchronizedList(new ArrayList<>());
      List<EnqueueStatus> statuses = Collections.synchronizedList(new ArrayList<>());
      Future<?> enqueuer = pool.submit(() -> {
        long orderId = 2_000_000;
        while (!done.get()) {
          long t0 = System.nanoTime();
          statuses.add(payments.enqueueQuietly(orderId++));
          enqueueMillis.add((System.nanoTime() - t0) / 1_000_000);
          Thread.sleep(5);
        }
        return null;
      });
      ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
      List<Long> readMillis = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        int reader = r;
        readers.add(pool.submit(() -> {
          go.await();
          for (int round = 0; round < ROUNDS; round++) {
            for (String path : List.of("/api/dlq?limit=1", "/api/orders/" + (1 + (reader + round) % DEAD_ORDERS),
                "/api/dlq?reason=invalid&limit=1", "/api/overview")) {
              long t0 = System.nanoTime();
              HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + console.port() + path)).header("Authorization", auth)
                  .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
              readMillis.add((System.nanoTime() - t0) / 1_000_000);
              answers.add(path + " " + answer.statusCode() + (path.startsWith("/api/orders/")
                  && !answer.body().contains("\"dlq_entry\":{") ? " without its DLQ entry" : ""));
            }
          }
          return null;
        }));
      }
      Thread.sleep(200); // the enqueuer and the sampler are running before the viewers start
      go.countDown();
      for (Future<?> reader : readers) {
        reader.get();
      }
      Thread.sleep(200);
      done.set(true);
      enqueuer.get();
      sampler.get();

      assertThat(answers).hasSize(READERS * ROUNDS * 4).allSatisfy(a -> assertThat(a).matches("\\S+ 200"));
      List<Long> sorted = new ArrayList<>(readMillis);
      Collections.sort(sorted);
      assertThat(sorted.get(sorted.size() - 1)).as("the slowest console answer, ms (all: %s)", sorted)
          .isLessThan(2000);
      assertThat(statuses).as("every enqueue beside the viewers").isNotEmpty()
          .allSatisfy(s -> assertThat(s).isEqualTo(EnqueueStatus.QUEUED));
      List<Long> enqueues = new ArrayList<>(enqueueMillis);
      Collections.sort(enqueues);
      assertThat(enqueues.get(enqueues.size() - 1)).as("the slowest enqueue, ms (of %d)", enqueues.size())
          .isLessThan(500);
      System.out.printf("%d console answers, slowest %d ms; %d enqueues beside them, median %d ms, slowest %d ms;"
          + " Redis memory peak %+d KiB%n", sorted.size(), sorted.get(sorted.size() - 1), enqueues.size(),
          enqueues.get(enqueues.size() / 2), enqueues.get(enqueues.size() - 1), (peak.get() - baseline) / 1024);
      assertThat(peak.get() - baseline).as("Redis memory above its level before the viewers, bytes")
          .isLessThan(16L * 1024 * 1024);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }
}
