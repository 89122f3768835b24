package org.onecexporter.enqueuer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.QueueKeys;
import org.onecexporter.queue.QueueUnavailableException;
import org.onecexporter.queue.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a JVM payment processor calls after a payment commits:
 *
 * <pre>{@code
 * InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv();   // once; REDIS_URL, QUEUE_PREFIX
 * enqueuer.enqueueQuietly(orderId);                      // in the payment path: never throws
 * }</pre>
 *
 * Redis commands time out after {@code ENQUEUER_REDIS_TIMEOUT_MS} (default 500), so an unreachable Redis costs
 * the payment at most that; the order is then queued by the workers' reconciler, which reads PostgreSQL.
 */
public final class InvoiceEnqueuer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InvoiceEnqueuer.class);

  private final LazyQueue queue;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong alreadyQueued = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final io.micrometer.core.instrument.Timer duration;

  public InvoiceEnqueuer(LazyQueue queue) {
    this(queue, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** With metrics: {@code onec_enqueues_total{result}} and {@code onec_enqueue_duration_seconds}. */
  public InvoiceEnqueuer(LazyQueue queue, io.micrometer.core.instrument.MeterRegistry registry) {
    this.queue = queue;
    this.registry = registry;
    this.duration = io.micrometer.core.instrument.Timer.builder("onec_enqueue_duration")
        .description("Time the payment path spends queueing one export").publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofNanos(100_000))
        .maximumExpectedValue(java.time.Duration.ofSeconds(5))
        .register(registry);
    for (String result : new String[] {"queued", "already_queued", "failed"}) {
      io.micrometer.core.instrument.Counter.builder("onec_enqueues").tag("result", result)
          .description("Enqueue requests by result").register(registry);
    }
  }

  private void count(String result) {
    registry.counter("onec_enqueues", "result", result).increment();
  }

  public static InvoiceEnqueuer fromEnv() {
    return fromEnv(Env.system());
  }

  public static InvoiceEnqueuer fromEnv(Env env) {
    return fromEnv(env, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  public static InvoiceEnqueuer fromEnv(Env env, io.micrometer.core.instrument.MeterRegistry registry) {
    String url = env.string("REDIS_URL", RedisConnections.DEFAULT_URL);
    int timeout = env.integer("ENQUEUER_REDIS_TIMEOUT_MS", 500, 10, 60_000);
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    org.redisson.config.Config config = RedisConnections.config(url, 16, timeout); // a malformed URL fails here
    return new InvoiceEnqueuer(new LazyQueue(() -> org.redisson.Redisson.create(config), keys, Duration.ofSeconds(1)),
        registry);
  }

  /**
   * @throws QueueUnavailableException when Redis cannot be reached
   * @throws IllegalArgumentException when the id is not positive
   */
  public EnqueueStatus enqueue(long orderId) {
    if (orderId <= 0) {
      throw new IllegalArgumentException("order id must be positive, got " + orderId);
    }
    JobQueue.EnqueueResult result;
    long started = System.nanoTime();
    try {
      result = queue.get().enqueue(Long.toString(orderId), "enqueuer");
    } catch (QueueUnavailableException e) {
      failed.incrementAndGet();
      count("failed");
      throw e;
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      count("failed");
      throw new QueueUnavailableException("Redis unavailable: " + e.getMessage(), e);
    } finally {
      duration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (result.queued()) {
      queued.incrementAndGet();
      count("queued");
      LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "queued").log("queued invoice export");
      return EnqueueStatus.QUEUED;
    }
    alreadyQueued.incrementAndGet();
    count("already_queued");
    LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "already_queued")
        .addKeyValue("state", result.state()).log("invoice export already queued ({})", result.state());
    return EnqueueStatus.ALREADY_QUEUED;
  }

  /** For the payment path: never throws. A failure is logged and counted; the reconciler covers it. */
  public EnqueueStatus enqueueQuietly(long orderId) {
    try {
      return enqueue(orderId);
    } catch (RuntimeException e) {
      if (!(e instanceof QueueUnavailableException)) {
        failed.incrementAndGet();
        count("failed");
      }
      LOG.atError().addKeyValue("order_id", orderId).addKeyValue("outcome", "enqueue_failed")
          .log("could not queue the invoice export; the reconciler will pick the order up: {}", e.getMessage());
      return EnqueueStatus.FAILED;
    }
  }

  /** Is Redis reachable now (for a readiness check)? */
  public boolean ready() {
    try {
      queue.get().redis().getBucket(queue.keys().stats()).isExists();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public long queuedCount() {
    return queued.get();
  }

  public long alreadyQueuedCount() {
    return alreadyQueued.get();
  }

  public long failedCount() {
    return failed.get();
  }

  @Override
  public void close() {
    queue.close();
  }
}
