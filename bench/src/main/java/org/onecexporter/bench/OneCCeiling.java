package org.onecexporter.bench;

import static org.onecexporter.json.Json.MAPPER;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.onecexporter.config.Env;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.json.Json;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.HttpOneCClient;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.worker.PermitGatedClient;
import org.redisson.api.RedissonClient;

/**
 * What the 1C limit (cap ÷ latency) leaves to any client on this machine (issue 23 item 6): the same invoices sent
 * with nothing around the call, so that an end-to-end run's share of the limit can be split into what the exchange
 * itself costs and what the pipeline costs.
 *
 * <ul>
 *   <li>{@code bare}: {@code cap} threads, each sending back to back through the worker's HTTP client
 *       ({@link HttpOneCClient}): the exchange alone (the client, the loopback, the emulator's HTTP server);
 *   <li>{@code gated}: {@code concurrency} threads sending through {@link PermitGatedClient}, the fleet-wide permits
 *       in Redis, as the worker does, with no database and no queue: the exchange plus the permit hand-over.
 * </ul>
 *
 * Each run sends {@code jobs} invoices after {@code warmup} unmeasured ones, and is timed from the first request to
 * the last answer.
 */
final class OneCCeiling {
  private final Env env;
  private final EmulatorControl emulator;
  private final int cap;
  private final int concurrency;
  private final int jobs;
  private final int warmup;
  private final long latencyMillis;
  private final InvoiceBuilder builder = new InvoiceBuilder(ZoneId.of("Europe/Moscow"));
  private final AtomicLong sequence = new AtomicLong();
  /** Each measured call's time from the sender's side (ms): the request out to the answer classified. */
  private final java.util.Queue<Double> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

  OneCCeiling(Env env, EmulatorControl emulator, int cap, int concurrency, int jobs, int warmup, long latencyMillis) {
    if (latencyMillis <= 0) {
      throw new IllegalArgumentException("--latency-ms must be positive: the limit is cap ÷ latency");
    }
    this.env = env;
    this.emulator = emulator;
    this.cap = cap;
    this.concurrency = concurrency;
    this.jobs = jobs;
    this.warmup = warmup;
    this.latencyMillis = latencyMillis;
  }

  ObjectNode run() throws Exception {
    emulator.reset();
    emulator.latency(latencyMillis);
    OneCConfig oneC = new OneCConfig(java.net.URI.create(emulator.baseUrl()), OneCConfig.DEFAULT_ENDPOINT,
        env.string("EMULATOR_USERNAME", "Администратор"), env.string("EMULATOR_PASSWORD", "пароль"),
        Duration.ofSeconds(60), RetrySchedule.DEFAULT.delays());
    double limit = cap * 1000.0 / latencyMillis;
    ObjectNode result = MAPPER.createObjectNode().put("bench", "onec_ceiling").put("jobs", jobs)
        .put("warmup_jobs", warmup).put("latency_ms", latencyMillis).put("onec_cap", cap)
        .put("worker_concurrency", concurrency).put("limit_per_s", limit);

    try (OneCClient bare = new HttpOneCClient(oneC, Math.max(cap, 4))) {
      sendAll(bare, cap, warmup);
      calls.clear();
      long[] answered = emulator.answerTotals();
      double rate = sendAll(bare, cap, jobs);
      result.put("bare_per_s", round1(rate)).put("bare_percent_of_limit", round1(rate / limit * 100));
      answeredLimit(result, "bare", answered, rate);
      callTimes(result, "bare");
    }

    RedissonClient redis = RedisConnections.create(env.asMap(), concurrency + 16);
    JobQueue queue = new JobQueue(redis, new QueueKeys("{bench:ceiling:" + UUID.randomUUID().toString()
        .substring(0, 8) + "}"));
    try (OneCClient gated = new PermitGatedClient(new HttpOneCClient(oneC, Math.max(cap, 4)), queue, cap,
        oneC.timeout(), PermitGatedClient.MAX_PERMIT_WAIT, new AtomicInteger())) {
      sendAll(gated, concurrency, warmup);
      calls.clear();
      long[] answered = emulator.answerTotals();
      double rate = sendAll(gated, concurrency, jobs);
      result.put("gated_per_s", round1(rate)).put("gated_percent_of_limit", round1(rate / limit * 100));
      answeredLimit(result, "gated", answered, rate);
      callTimes(result, "gated");
    } finally {
      queue.deleteAll();
      redis.shutdown();
    }
    int expected = 2 * (warmup + jobs);
    int created = emulator.invoiceCount();
    if (created != expected) {
      throw new IllegalStateException("the emulator holds " + created + " invoices, " + expected + " were sent");
    }
    return result.put("invoices_in_emulator", created);
  }

  /** {@code <side>_onec_answer_mean_ms} and {@code <side>_percent_of_answered_limit} ({@link EmulatorControl#putAnswered}). */
  private void answeredLimit(ObjectNode result, String side, long[] before, double rate) {
    ObjectNode answered = MAPPER.createObjectNode();
    emulator.putAnswered(answered, before, cap, rate);
    answered.fields().forEachRemaining(f -> result.set(side + "_" + f.getKey(), f.getValue()));
  }

  /** {@code count} invoices from {@code threads} threads, each sending its next as soon as the last is answered. */
  private double sendAll(OneCClient client, int threads, int count) throws Exception {
    AtomicInteger left = new AtomicInteger(count);
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) { // as the worker's attempts
      List<Future<?>> senders = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        senders.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) {
            long n = sequence.incrementAndGet();
            String number = InvoiceNumbers.format(2026, n);
            String body = Json.write(builder.prepare(order(n)).withNumber(number));
            long sent = System.nanoTime();
            OneCClient.Exchange exchange = client.send(number, body, null);
            calls.add((System.nanoTime() - sent) / 1e6);
            if (!(exchange.outcome() instanceof CallOutcome.Success)) {
              throw new IllegalStateException("invoice " + number + ": " + exchange.outcome());
            }
          }
          return null;
        }));
      }
      for (Future<?> sender : senders) {
        sender.get();
      }
    }
    return count / ((System.nanoTime() - t0) / 1e9);
  }

  /** The same order as {@code BenchSupport.Fixture.insertPaidOrders} writes, without the database. */
  private static Order order(long id) {
    return new Order(id, Order.STATUS_PAID, "Покупатель " + id, String.format("+7999%07d", id), "Москва",
        new BigDecimal("500"), Instant.now(), false, null, null, null,
        List.of(new OrderItem(1, "ФР-" + id, "Варочная панель", new BigDecimal("1.5"), new BigDecimal("12990.10"))));
  }

  /** The measured calls' p50, p99 and mean beside the latency the emulator was told: what each exchange adds. */
  private void callTimes(ObjectNode result, String prefix) {
    double[] times = calls.stream().mapToDouble(Double::doubleValue).toArray();
    Percentiles p = new Percentiles(times);
    result.put(prefix + "_call_p50_ms", round2(p.p(50))).put(prefix + "_call_p99_ms", round2(p.p(99)))
        .put(prefix + "_call_mean_ms", round2(java.util.Arrays.stream(times).average().orElse(0)));
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
