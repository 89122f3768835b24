package org.onecexporter.enqueuer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.onecexporter.queue.JobIds;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.QueueConfigException;
import org.onecexporter.queue.QueueUnavailableException;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.model.QueueKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a JVM payment processor calls after a payment commits:
 *
 * <pre>{@code
 * InvoiceEnqueuer enqueuer = InvoiceEnqueuer.fromEnv();   // once; REDIS_URL, QUEUE_PREFIX
 * enqueuer.enqueueQuietly(orderId);                      // in the payment path: never throws
 * enqueuer.enqueueQuietlyAsync(orderId);                 // or without waiting for Redis: never blocks, never fails
 * }</pre>
 *
 * Redis commands time out after {@code ENQUEUER_REDIS_TIMEOUT_MS} (default 500), so an unreachable Redis costs
 * the payment at most that; the order is then queued by the workers' reconciler, which reads PostgreSQL.
 *
 * <p>The asynchronous calls ({@link #enqueueAsync}, {@link #enqueueQuietlyAsync}) hand the enqueue over and return
 * at once; their stage completes on a Redis I/O thread (a callback must not block: chain with {@code *Async} and
 * your own executor for blocking work), at the latest after the Redis timeout. At most {@code
 * ENQUEUER_MAX_IN_FLIGHT} (default {@value #DEFAULT_MAX_IN_FLIGHT}) asynchronous enqueues wait for Redis at once;
 * beyond that an enqueue is answered FAILED at once (counted, logged, covered by the reconciler), so that a flood of
 * payments while Redis is silent cannot grow memory without bound.
 *
 * <p>The library depends on the queue module (Redisson, SLF4J) only. When the OpenTelemetry API is on the
 * classpath, each enqueue is a PRODUCER span under the caller's current span and the job records its W3C
 * {@code traceparent}, so that the worker's attempts and the call to 1C join the payment's trace.
 */
public final class InvoiceEnqueuer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InvoiceEnqueuer.class);

  /** Told of every enqueue (the enqueuer service and the console count them in their metrics). */
  public interface Listener {
    Listener NONE = (status, nanos) -> { };

    void enqueued(EnqueueStatus status, long nanos);
  }

  /** Asynchronous enqueues waiting for Redis at once, unless {@code ENQUEUER_MAX_IN_FLIGHT} says otherwise. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private final LazyQueue queue;
  private final Listener listener;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong alreadyQueued = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  /** A refused enqueue is logged at once, then at most once per this interval (with how many since). */
  static final long REFUSED_LOG_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
  private final AtomicLong refusedUnlogged = new AtomicLong();
  /** Failed quiet enqueues logged one by one per interval, with their order ids. */
  static final int FAILED_ORDER_LINES = 10;
  private final AtomicLong failedLines = new AtomicLong();
  private final AtomicLong failedLinesSince = new AtomicLong(System.nanoTime() - REFUSED_LOG_INTERVAL_NANOS);
  private final AtomicLong refusedLoggedAt = new AtomicLong(System.nanoTime() - REFUSED_LOG_INTERVAL_NANOS);

  public InvoiceEnqueuer(LazyQueue queue) {
    this(queue, Listener.NONE);
  }

  public InvoiceEnqueuer(LazyQueue queue, Listener listener) {
    this(queue, listener, DEFAULT_MAX_IN_FLIGHT);
  }

  /** {@code maxInFlight}: asynchronous enqueues waiting for Redis at once; beyond it they are answered FAILED. */
  public InvoiceEnqueuer(LazyQueue queue, Listener listener, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
    this.queue = queue;
    this.listener = listener;
    this.maxInFlight = maxInFlight;
  }

  /** From the process environment. */
  public static InvoiceEnqueuer fromEnv() {
    return fromEnv(System.getenv(), Listener.NONE);
  }

  /**
   * {@code REDIS_URL} (default {@value RedisConnections#DEFAULT_URL}; one server, a cluster or Sentinel, see
   * {@link RedisConnections}), {@code REDIS_SENTINEL_PASSWORD}, {@code QUEUE_PREFIX}, {@code
   * ENQUEUER_REDIS_TIMEOUT_MS} (10–60000, default 500), {@code ENQUEUER_MAX_IN_FLIGHT} (1–1000000, default
   * {@value #DEFAULT_MAX_IN_FLIGHT}).
   *
   * @throws QueueConfigException when one of them is malformed (the URL's value is never quoted)
   */
  public static InvoiceEnqueuer fromEnv(Map<String, String> env, Listener listener) {
    int timeout = whole("ENQUEUER_REDIS_TIMEOUT_MS", value(env, "ENQUEUER_REDIS_TIMEOUT_MS", "500"), 10, 60_000,
        "milliseconds");
    int maxInFlight = whole("ENQUEUER_MAX_IN_FLIGHT", value(env, "ENQUEUER_MAX_IN_FLIGHT",
        Integer.toString(DEFAULT_MAX_IN_FLIGHT)), 1, 1_000_000, "enqueues");
    QueueKeys keys = new QueueKeys(value(env, "QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    org.redisson.config.Config config = RedisConnections.config(env, 16, timeout); // a malformed URL fails here
    return new InvoiceEnqueuer(new LazyQueue(() -> org.redisson.Redisson.create(config), keys, Duration.ofSeconds(1)),
        listener, maxInFlight);
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static int whole(String name, String text, int min, int max, String unit) {
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new QueueConfigException(name, "must be a whole number of " + unit + " from " + min + " to " + max
        + ", got '" + text + "'");
  }

  /**
   * Queues the order's export; the caller's OpenTelemetry context (if any) is recorded with the job.
   *
   * @throws QueueUnavailableException when Redis cannot be reached
   * @throws IllegalArgumentException when the id is not positive
   */
  public EnqueueStatus enqueue(long orderId) {
    return enqueue(orderId, null);
  }

  /**
   * As {@link #enqueue(long)}, continuing the trace of an explicit W3C {@code traceparent} (the enqueuer service
   * passes the header it received); null means the current context. An invalid value is ignored.
   */
  public EnqueueStatus enqueue(long orderId, String traceparent) {
    return submit(orderId, false, traceparent);
  }

  /**
   * Queues the cancellation of the order's invoice in 1C, after a full refund or a cancellation of a paid order
   * (a partial refund is not one: the invoice stands). Its job ({@code cancel:<id>}) never collides with the
   * order's export job; whichever runs first, 1C ends with the invoice marked for deletion or never created. Call
   * it after the refund's transaction commits; the reconciler also finds refunded orders by their status.
   *
   * @throws QueueUnavailableException when Redis cannot be reached
   * @throws IllegalArgumentException when the id is not positive
   */
  public EnqueueStatus cancel(long orderId) {
    return cancel(orderId, null);
  }

  /** As {@link #cancel(long)}, continuing an explicit W3C {@code traceparent} (see {@link #enqueue(long, String)}). */
  public EnqueueStatus cancel(long orderId, String traceparent) {
    return submit(orderId, true, traceparent);
  }

  private EnqueueStatus submit(long orderId, boolean cancel, String traceparent) {
    String what = cancel ? "invoice cancellation" : "invoice export";
    long started = System.nanoTime();
    EnqueueStatus status = EnqueueStatus.FAILED;
    try {
      if (orderId <= 0) {
        throw new IllegalArgumentException("order id must be positive, got " + orderId);
      }
      String outcome = CurrentTrace.enqueue(orderId, queue.keys().prefix(), ClaimedJob.validTraceparent(traceparent),
          trace -> {
            EnqueueResult result;
            try {
              result = queue.get().enqueue(cancel ? JobIds.cancel(orderId) : Long.toString(orderId), "enqueuer",
                  trace);
            } catch (QueueUnavailableException e) {
              throw e;
            } catch (RuntimeException e) {
              throw new QueueUnavailableException("Redis unavailable: " + e.getMessage(), e);
            }
            if (!result.queued()) {
              LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "already_queued")
                  .addKeyValue("state", result.state()).log("{} already queued ({})", what, result.state());
            }
            return result.queued() ? "queued" : "already_queued";
          });
      status = "queued".equals(outcome) ? EnqueueStatus.QUEUED : EnqueueStatus.ALREADY_QUEUED;
    } catch (QueueUnavailableException e) {
      refused(e);
      throw e;
    } finally {
      (status == EnqueueStatus.QUEUED ? queued : status == EnqueueStatus.ALREADY_QUEUED ? alreadyQueued : failed)
          .incrementAndGet();
      listener.enqueued(status, System.nanoTime() - started);
    }
    if (status == EnqueueStatus.QUEUED) {
      LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "queued").log("queued {}", what);
    }
    return status;
  }

  /**
   * As {@link #enqueue(long)}, without waiting: returns at once, never blocking the caller's thread (not even to
   * connect to Redis the first time). The stage completes with QUEUED or ALREADY_QUEUED, or exceptionally with a
   * {@link QueueUnavailableException} when Redis failed, did not answer within its timeout, or {@code
   * ENQUEUER_MAX_IN_FLIGHT} enqueues were already waiting (then at once), or with an {@link
   * IllegalArgumentException} when the id is not positive. It completes on a Redis I/O thread: do not block in a
   * callback. Counted, told to the listener, logged and traced as {@link #enqueue(long)}.
   */
  public CompletionStage<EnqueueStatus> enqueueAsync(long orderId) {
    return enqueueAsync(orderId, null);
  }

  /** As {@link #enqueueAsync(long)}, continuing an explicit W3C {@code traceparent} (see {@link #enqueue(long, String)}). */
  public CompletionStage<EnqueueStatus> enqueueAsync(long orderId, String traceparent) {
    long started = System.nanoTime();
    if (orderId <= 0) {
      finished(EnqueueStatus.FAILED, started);
      return CompletableFuture.failedFuture(new IllegalArgumentException("order id must be positive, got " + orderId));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      QueueUnavailableException e = new QueueUnavailableException(maxInFlight
          + " enqueues already waiting for Redis (ENQUEUER_MAX_IN_FLIGHT)", null);
      refused(e);
      finished(EnqueueStatus.FAILED, started);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<EnqueueStatus> answer = new CompletableFuture<>();
    CompletionStage<String> outcome;
    try {
      outcome = CurrentTrace.enqueueAsync(orderId, queue.keys().prefix(), ClaimedJob.validTraceparent(traceparent),
          trace -> send(orderId, trace).thenApply(result -> {
            if (!result.queued()) {
              LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "already_queued")
                  .addKeyValue("state", result.state()).log("invoice export already queued ({})", result.state());
            }
            return result.queued() ? "queued" : "already_queued";
          }));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete((value, error) -> {
      inFlight.decrementAndGet();
      if (error == null) {
        EnqueueStatus status = "queued".equals(value) ? EnqueueStatus.QUEUED : EnqueueStatus.ALREADY_QUEUED;
        finished(status, started);
        if (status == EnqueueStatus.QUEUED) {
          LOG.atInfo().addKeyValue("order_id", orderId).addKeyValue("outcome", "queued").log("queued invoice export");
        }
        answer.complete(status);
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        QueueUnavailableException unavailable = cause instanceof QueueUnavailableException q ? q
            : new QueueUnavailableException("Redis unavailable: " + cause.getMessage(), cause);
        refused(unavailable);
        finished(EnqueueStatus.FAILED, started);
        answer.completeExceptionally(unavailable);
      }
    });
    return answer;
  }

  /**
   * The enqueue handed to Redis: on the queue if connected; else the connection is made on the connecting thread,
   * never the caller's.
   */
  private CompletionStage<org.onecexporter.queue.model.EnqueueResult> send(long orderId, String trace) {
    JobQueue connected = queue.connected();
    if (connected != null) {
      return connected.enqueueAsync(Long.toString(orderId), "enqueuer", trace);
    }
    return CompletableFuture.supplyAsync(queue::get, Connecting.THREAD)
        .thenCompose(q -> q.enqueueAsync(Long.toString(orderId), "enqueuer", trace));
  }

  /** One daemon thread for every enqueuer's first connection to Redis (LazyQueue connects one at a time anyway). */
  private static final class Connecting {
    static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "onec-enqueue-connect");
      t.setDaemon(true);
      return t;
    });
  }

  private void finished(EnqueueStatus status, long started) {
    (status == EnqueueStatus.QUEUED ? queued : status == EnqueueStatus.ALREADY_QUEUED ? alreadyQueued : failed)
        .incrementAndGet();
    listener.enqueued(status, System.nanoTime() - started);
  }

  /**
   * For the payment path, as {@link #enqueueQuietly} without waiting: the stage never completes exceptionally; a
   * failure (Redis down or silent, too many in flight, a bad id) answers FAILED, logged and counted, and the
   * reconciler covers it.
   */
  public CompletionStage<EnqueueStatus> enqueueQuietlyAsync(long orderId) {
    return enqueueAsync(orderId).exceptionally(e -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      failedQuietly(orderId, cause.getMessage());
      return EnqueueStatus.FAILED;
    });
  }

  /** Asynchronous enqueues waiting for Redis now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Redis refused or did not answer an enqueue (unreachable, out of memory, timed out): one WARN line at once, then
   * at most one per interval with how many were refused since, so that a sick Redis under a flood of payments
   * cannot flood the log, and none goes unreported.
   */
  private void refused(QueueUnavailableException e) {
    refusedUnlogged.incrementAndGet();
    long now = System.nanoTime();
    long last = refusedLoggedAt.get();
    if (now - last >= REFUSED_LOG_INTERVAL_NANOS && refusedLoggedAt.compareAndSet(last, now)) {
      long count = refusedUnlogged.getAndSet(0);
      LOG.atWarn().addKeyValue("outcome", "enqueue_refused").addKeyValue("refused", count)
          .log("Redis refused {} enqueue(s) since the last report (the reconciler queues those orders later): {}",
              count, e.getMessage());
    }
  }

  /** For the payment path: never throws. A failure is logged and counted; the reconciler covers it. */
  public EnqueueStatus enqueueQuietly(long orderId) {
    try {
      return enqueue(orderId);
    } catch (RuntimeException e) {
      failedQuietly(orderId, e.getMessage());
      return EnqueueStatus.FAILED;
    }
  }

  /**
   * A quiet enqueue that failed: one ERROR line with the order id, for the first {@link #FAILED_ORDER_LINES} of each
   * interval; beyond that one line says the rest of the interval is only counted (refused()'s WARN gives how many).
   * A flood of payments against a sick Redis wrote one ERROR per payment before.
   */
  private void failedQuietly(long orderId, String why) {
    long now = System.nanoTime();
    long start = failedLinesSince.get();
    if (now - start >= REFUSED_LOG_INTERVAL_NANOS && failedLinesSince.compareAndSet(start, now)) {
      failedLines.set(0);
    }
    long n = failedLines.incrementAndGet();
    if (n <= FAILED_ORDER_LINES) {
      LOG.atError().addKeyValue("order_id", orderId).addKeyValue("outcome", "enqueue_failed")
          .log("could not queue the invoice export; the reconciler will pick the order up: {}", why);
    } else if (n == FAILED_ORDER_LINES + 1) {
      LOG.atError().addKeyValue("outcome", "enqueue_failed")
          .log("more enqueues failed; for {} s they are counted (enqueue_failed), not logged one by one; the"
              + " reconciler picks those orders up", java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(
                  REFUSED_LOG_INTERVAL_NANOS));
    }
  }

  /** Is Redis reachable now (for a readiness check)? */
  public boolean ready() {
    try {
      queue.get().ping();
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
