package org.onecexporter.enqueuer;

import static net.logstash.logback.argument.StructuredArguments.kv;

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

  public InvoiceEnqueuer(LazyQueue queue) {
    this.queue = queue;
  }

  public static InvoiceEnqueuer fromEnv() {
    return fromEnv(Env.system());
  }

  public static InvoiceEnqueuer fromEnv(Env env) {
    String url = env.string("REDIS_URL", RedisConnections.DEFAULT_URL);
    int timeout = env.integer("ENQUEUER_REDIS_TIMEOUT_MS", 500, 10, 60_000);
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    org.redisson.config.Config config = RedisConnections.config(url, 16, timeout); // a malformed URL fails here
    return new InvoiceEnqueuer(new LazyQueue(() -> org.redisson.Redisson.create(config), keys, Duration.ofSeconds(1)));
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
    try {
      result = queue.get().enqueue(Long.toString(orderId), "enqueuer");
    } catch (QueueUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new QueueUnavailableException("Redis unavailable: " + e.getMessage(), e);
    }
    if (result.queued()) {
      queued.incrementAndGet();
      LOG.info("queued invoice export", kv("order_id", orderId), kv("outcome", "queued"));
      return EnqueueStatus.QUEUED;
    }
    alreadyQueued.incrementAndGet();
    LOG.info("invoice export already queued ({})", result.state(), kv("order_id", orderId),
        kv("outcome", "already_queued"), kv("state", result.state()));
    return EnqueueStatus.ALREADY_QUEUED;
  }

  /** For the payment path: never throws. A failure is logged and counted; the reconciler covers it. */
  public EnqueueStatus enqueueQuietly(long orderId) {
    try {
      return enqueue(orderId);
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      LOG.error("could not queue the invoice export; the reconciler will pick the order up: {}", e.getMessage(),
          kv("order_id", orderId), kv("outcome", "enqueue_failed"));
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
