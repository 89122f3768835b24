package org.onecexporter.worker;

import org.onecexporter.queue.fleet.OneCGate;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a fleet-wide permit (Redis) around each call to 1C, so that all workers together never run more than
 * {@code ONEC_MAX_CONCURRENCY} calls: each call is a 1C session and a licence. A local semaphore of the same
 * size keeps waiting calls off Redis. When Redis cannot grant a permit the call is not made ({@link
 * CallOutcome.NotCalled}: retried later without counting against 1C or the job).
 *
 * <p>A call that ends while another call of this process waits hands its permit straight over instead of a
 * release and an acquire in Redis (two round trips during which the permit would idle). A permit is handed over
 * only within {@link #HAND_OFF_FOR} of its acquisition, so each one goes back to the fleet at least that often
 * (other workers get their turn) and long before its Redis lease (1C timeout + 30 s) could run out. Permits are
 * given back as soon as no call of this process is running or waiting.
 *
 * <p>While the fleet knows 1C is down ({@link FleetHealth}), Redis grants a permit only to the probe's call (the
 * caller passes its job's token); any other call is not made ({@link CallOutcome.NotCalled.Why#ONE_C_DOWN}) and no
 * permit is handed over. A cap that stays busy for a whole permit wait is back-pressure, not an outage: the call is
 * not made ({@link CallOutcome.NotCalled.Why#CAP_FULL}) and nothing is said about 1C's health.
 *
 * <p>The waits for a permit and the calls run on a small lane of platform threads (twice the cap), not on the
 * attempts' virtual threads: see {@link #gated}. An attempt interrupted while its call waits for a permit is not
 * called; one interrupted while its call is at 1C gets 1C's answer (what 1C did is the attempt's outcome), its
 * interrupt kept.
 */
public final class PermitGatedClient implements OneCClient {
  static final Duration HAND_OFF_FOR = Duration.ofSeconds(1);
  /** A call waits at most this long for a permit, then its job waits (within JOB_TIMEOUT_SECONDS' margin). */
  public static final Duration MAX_PERMIT_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(PermitGatedClient.class);

  private record Permit(String id, long acquiredNanos) {}

  /**
   * Told of a transient failure of 1C while its call still holds the permit (the attempt's job reports it to the
   * fleet's health); answers how long 1C is now down for the fleet, or null when it is not.
   */
  @FunctionalInterface
  interface FailureReport {
    Duration failed(CallOutcome.Transient failure);
  }

  /**
   * The report of the attempt running on this thread ({@link JobRunner} sets it around the attempt), or null: a
   * failure is then only reported when the attempt ends.
   */
  static final ThreadLocal<FailureReport> REPORT = new ThreadLocal<>();

  private final OneCClient delegate;
  private final JobQueue queue;
  private final int max;
  private final Duration permitLease;
  private final Duration maxPermitWait;
  private final Semaphore local;
  /** The platform threads that wait for permits and make the calls ({@link #gated}). */
  private final java.util.concurrent.ThreadPoolExecutor lane;
  private final AtomicInteger inFlight;
  /** Permits held in Redis and handed over, waiting for the call that takes the next local slot. */
  private final ConcurrentLinkedQueue<Permit> handedOver = new ConcurrentLinkedQueue<>();
  /** Until when (nanoTime) Redis last said 1C is down for the fleet: no hand-over meanwhile. */
  private volatile long downUntilNanos = System.nanoTime();

  /** No permit for this call, and why. */
  private static final class Refused extends Exception {
    final CallOutcome.NotCalled notCalled;

    Refused(CallOutcome.NotCalled notCalled) {
      super(notCalled.reason(), null, false, false);
      this.notCalled = notCalled;
    }
  }

  /**
   * @param max the fleet-wide cap (ONEC_MAX_CONCURRENCY)
   * @param maxPermitWait how long a call waits for a permit before its job is told to wait ({@link #MAX_PERMIT_WAIT})
   * @param inFlight counts the calls this process has in flight (a gauge)
   */
  public PermitGatedClient(OneCClient delegate, JobQueue queue, int max, Duration oneCTimeout, Duration maxPermitWait,
      AtomicInteger inFlight) {
    this.inFlight = inFlight;
    this.delegate = delegate;
    this.queue = queue;
    this.max = max;
    this.permitLease = oneCTimeout.plusSeconds(30);
    this.maxPermitWait = maxPermitWait;
    this.local = new Semaphore(max, true);
    // Twice the cap: the calls at 1C, and as many waiting for a permit on a lane thread already (the hand-over
    // wakes one of them); the next calls queue for a lane thread, which is not on the hand-over's path. Idle
    // threads end after a while.
    this.lane = new java.util.concurrent.ThreadPoolExecutor(2 * max, 2 * max, 30, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("onec-call-", 0).factory());
    lane.allowCoreThreadTimeOut(true);
  }

  @Override
  public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
    return gated(probeToken, answered -> delegate.send(invoiceNumber, jsonBody, probeToken, answered));
  }

  /** A cancellation is a 1C session like any call: it takes a permit of the same fleet-wide cap. */
  @Override
  public Exchange cancel(String invoiceNumber, String reason, String probeToken) {
    return gated(probeToken, answered -> delegate.cancel(invoiceNumber, reason, probeToken, answered));
  }

  /**
   * A call's way through the lane: queued for a lane thread, waiting there for a permit, at 1C, or dropped by its
   * caller's interrupt before it was made.
   */
  private static final class Call {
    static final int QUEUED = 0;
    static final int WAITING = 1;
    static final int CALLING = 2;
    static final int DROPPED = 3;

    final java.util.concurrent.CompletableFuture<Exchange> result = new java.util.concurrent.CompletableFuture<>();
    /** Guarded by this. */
    int phase = QUEUED;
    /** The lane thread while it waits for a permit for this call (guarded by this). */
    Thread waiter;
  }

  /**
   * The call under a permit, made on a thread of the lane ({@link #lane}) while the caller waits. The lane's
   * threads are platform threads: when 1C's answer arrives, or a finished call hands its permit over, the kernel
   * wakes the thread that reads it or sends the next request, with the wake-up preference the scheduler gives a
   * sleeper, instead of queueing a virtual thread behind the attempts' CPU work on the same carrier (virtual
   * threads are not preempted). On two busy cores that queueing was most of the time between one call's answer
   * and the next call's request. The caller's attempt context (the failure report, the trace, the log's MDC) goes
   * with the call.
   */
  private Exchange gated(String probeToken, java.util.function.Function<Runnable, Exchange> call) {
    FailureReport report = REPORT.get();
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
    java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
    Call handle = new Call();
    Runnable task = () -> {
      if (handle.result.isDone()) {
        return; // dropped while queued
      }
      REPORT.set(report);
      if (mdc != null) {
        org.slf4j.MDC.setContextMap(mdc);
      }
      try (io.opentelemetry.context.Scope ignored = trace.makeCurrent()) {
        handle.result.complete(gatedHere(probeToken, call, handle));
      } catch (Throwable e) {
        handle.result.completeExceptionally(e);
      } finally {
        REPORT.remove();
        org.slf4j.MDC.clear();
        Thread.interrupted(); // a caller's interrupt meant for the permit wait stays with that call
      }
    };
    try {
      lane.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "the 1C client is closed", null);
    }
    try {
      return result(handle);
    } catch (InterruptedException e) {
      // Interrupted (an abandoned attempt, a stop): a call not made yet is dropped; one already at 1C is waited for,
      // since what 1C did is the attempt's outcome (bounded by the client's timeout).
      synchronized (handle) {
        if (handle.phase == Call.QUEUED) {
          handle.phase = Call.DROPPED;
          handle.result.complete(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE,
              "interrupted while waiting for a 1C permit", null));
        } else if (handle.phase == Call.WAITING) {
          handle.phase = Call.DROPPED;
          handle.waiter.interrupt();
        }
      }
      while (true) {
        try {
          Exchange exchange = result(handle);
          Thread.currentThread().interrupt();
          return exchange;
        } catch (InterruptedException again) {
          // still interrupted; the flag is set again on the way out
        }
      }
    }
  }

  private static Exchange result(Call handle) throws InterruptedException {
    try {
      return handle.result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * The call under a permit, on a lane thread. The permit goes back (or to a waiting call) as soon as the exchange
   * with 1C is over, told by the client ({@link OneCClient#send(String, String, String, Runnable)}), not after the
   * client's own work on the answer: every moment between one call's answer and the next call's request is
   * capacity of 1C lost.
   */
  private Exchange gatedHere(String probeToken, java.util.function.Function<Runnable, Exchange> call, Call handle) {
    synchronized (handle) {
      if (handle.phase == Call.DROPPED) {
        return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null);
      }
      handle.phase = Call.WAITING;
      handle.waiter = Thread.currentThread();
    }
    try {
      local.acquire();
    } catch (InterruptedException e) {
      return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null);
    }
    Permit permit;
    try {
      permit = probeToken != null || System.nanoTime() - downUntilNanos < 0 ? null : takeHandedOver();
      if (permit == null) {
        permit = acquire(probeToken);
      }
    } catch (Refused refused) {
      finish(null);
      return new Exchange(refused.notCalled, "", 0);
    } catch (InterruptedException e) {
      finish(null);
      return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null);
    } catch (RuntimeException e) {
      finish(null);
      return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "no 1C permit, Redis unavailable: " + e.getMessage(),
          null);
    }
    synchronized (handle) {
      Thread.interrupted(); // an interrupt that came after the permit was granted is answered here, not by the call
      if (handle.phase == Call.DROPPED) {
        finish(permit);
        return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null);
      }
      handle.phase = Call.CALLING;
      handle.waiter = null;
    }
    inFlight.incrementAndGet();
    Permit held = permit;
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable answered = () -> {
      if (over.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
        finish(held);
      }
    };
    try {
      Exchange exchange = call.apply(answered);
      if (exchange.outcome() instanceof CallOutcome.Transient failure) {
        reportFailure(failure);
      }
      return exchange;
    } finally {
      answered.run();
    }
  }

  /**
   * A transient failure reaches the fleet's health before this call's permit goes back or to a waiting call
   * (the client leaves a failure's permit to us): once the streak marks 1C down, no permit is handed over and
   * Redis grants none but the probe's, so the calls to a dead 1C stay bounded by the threshold and the cap.
   */
  private void reportFailure(CallOutcome.Transient failure) {
    FailureReport report = REPORT.get();
    if (report == null) {
      return;
    }
    try {
      Duration down = report.failed(failure);
      if (down != null) {
        downUntilNanos = System.nanoTime() + down.toNanos();
      }
    } catch (RuntimeException e) {
      LOG.warn("could not report 1C's failure to the fleet's health: {}", e.toString());
    }
  }

  private static Exchange notCalled(CallOutcome.NotCalled.Why why, String reason, Duration wait) {
    return new Exchange(new CallOutcome.NotCalled(reason, why, wait), "", 0);
  }

  private Permit acquire(String probeToken) throws InterruptedException, Refused {
    Permit permit = new Permit(UUID.randomUUID().toString(), System.nanoTime());
    while (true) {
      OneCGate.Permit answer = queue.oneC().tryAcquirePermit(permit.id(), max, permitLease, probeToken);
      if (answer.granted()) {
        return permit;
      }
      if (answer.oneCDown()) {
        downUntilNanos = System.nanoTime() + answer.retryIn().toNanos();
        throw new Refused(new CallOutcome.NotCalled("1C is down for the fleet; the next probe is due in "
            + answer.retryIn().toMillis() + " ms", CallOutcome.NotCalled.Why.ONE_C_DOWN, answer.retryIn()));
      }
      if (System.nanoTime() - permit.acquiredNanos() > maxPermitWait.toNanos()) {
        // The fleet-wide cap stayed busy: the job waits rather than hold its database session idle.
        throw new Refused(new CallOutcome.NotCalled("no 1C permit within " + maxPermitWait.toMillis()
            + " ms: the fleet-wide cap (ONEC_MAX_CONCURRENCY) is busy", CallOutcome.NotCalled.Why.CAP_FULL, null));
      }
      Duration wait = answer.retryIn();
      queue.oneC().awaitPermit(wait.compareTo(Duration.ofSeconds(1)) < 0 ? wait : Duration.ofSeconds(1));
    }
  }

  /** A permit handed over by a finished call, if one is young enough; older ones go back to Redis. */
  private Permit takeHandedOver() {
    Permit permit;
    while ((permit = handedOver.poll()) != null) {
      if (youngEnough(permit)) {
        return permit;
      }
      release(permit);
    }
    return null;
  }

  private void finish(Permit permit) {
    if (permit != null) {
      if (local.hasQueuedThreads() && youngEnough(permit) && System.nanoTime() - downUntilNanos >= 0) {
        handedOver.offer(permit); // before the slot is freed, so the waiter that takes the slot finds it
      } else {
        release(permit);
      }
    }
    local.release();
    if (local.availablePermits() == max) {
      // No call is running or about to run: nothing will take a handed-over permit, give them back.
      Permit idle;
      while ((idle = handedOver.poll()) != null) {
        release(idle);
      }
    }
  }

  private static boolean youngEnough(Permit permit) {
    return System.nanoTime() - permit.acquiredNanos() < HAND_OFF_FOR.toNanos();
  }

  private void release(Permit permit) {
    try {
      queue.oneC().releasePermit(permit.id());
    } catch (RuntimeException e) {
      LOG.warn("could not release the 1C permit; it expires in {} s", permitLease.toSeconds());
    }
  }

  @Override
  public void close() {
    lane.shutdown();
    Permit idle;
    while ((idle = handedOver.poll()) != null) {
      release(idle);
    }
    delegate.close();
  }
}
