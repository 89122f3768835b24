package org.onecexporter.worker;

import org.onecexporter.queue.fleet.OneCGate;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.onec.OneCClient.Split;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a fleet-wide permit (Redis) around each call to 1C, so that all workers together never run more than
 * {@code ONEC_MAX_CONCURRENCY} calls: each call is a 1C session and a licence. As many local slots keep waiting
 * calls off Redis. When Redis cannot grant a permit the call is not made ({@link
 * CallOutcome.NotCalled}: retried later without counting against 1C or the job).
 *
 * <p>A call whose exchange with 1C is over while another call of this process waits hands its permit straight
 * over instead of a release and an acquire in Redis (two round trips during which the permit would idle), and the
 * lane thread that read the answer sends the waiting call's request itself: no thread has to wake between one
 * answer and the next request. The client's own work on the answer (classifying, masking) is left to the caller's
 * thread ({@link OneCClient.Split}). A permit is handed over only within {@link #HAND_OFF_FOR} of its acquisition,
 * so each one goes back to the fleet at least that often (other workers get their turn) and long before its Redis
 * lease (1C timeout + 30 s) could run out. Permits are given back as soon as no call of this process is running or
 * waiting.
 *
 * <p>While the fleet knows 1C is down ({@link FleetHealth}), Redis grants a permit only to the probe's call (the
 * caller passes its job's token); any other call is not made ({@link CallOutcome.NotCalled.Why#ONE_C_DOWN}) and no
 * permit is handed over. A cap that stays busy for a whole permit wait is back-pressure, not an outage: the call is
 * not made ({@link CallOutcome.NotCalled.Why#CAP_FULL}) and nothing is said about 1C's health.
 *
 * <p>The waits for a permit and the calls run on a small lane of platform threads (at most the cap busy), not on
 * the attempts' virtual threads: see {@link #gated}. An attempt interrupted while its call waits for a permit is not
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
  /** The platform threads that wait for permits and make the calls ({@link #gated}). */
  private final java.util.concurrent.ThreadPoolExecutor lane;
  private final AtomicInteger inFlight;
  /** Guards {@link #serving}, {@link #waiting} and {@link #closed}. */
  private final Object slots = new Object();
  /** Lane threads serving calls, each with one of this process's {@code max} slots. */
  private int serving;
  /** Calls waiting for a slot, oldest first: the next one is served by the lane thread whose call is over. */
  private final java.util.ArrayDeque<Call> waiting = new java.util.ArrayDeque<>();
  private boolean closed;
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
    // At most max threads serve calls at once; the pool may keep as many again, so that a new slot never waits for
    // a thread that is just leaving. Idle threads end after a while.
    this.lane = new java.util.concurrent.ThreadPoolExecutor(2 * max, 2 * max, 30, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("onec-call-", 0).factory());
    lane.allowCoreThreadTimeOut(true);
  }

  @Override
  public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
    return gated(probeToken, delegate.sendSplit(invoiceNumber, jsonBody, probeToken));
  }

  /** A cancellation is a 1C session like any call: it takes a permit of the same fleet-wide cap. */
  @Override
  public Exchange cancel(String invoiceNumber, String reason, String probeToken) {
    return gated(probeToken, delegate.cancelSplit(invoiceNumber, reason, probeToken));
  }

  /**
   * A call's way through the lane: waiting for a slot, waiting on a lane thread for a permit, at 1C, or dropped by
   * its caller's interrupt before it was made. It carries its caller's attempt context (the failure report, the
   * trace, the log's MDC) to the lane thread that serves it.
   */
  private static final class Call {
    static final int QUEUED = 0;
    static final int WAITING = 1;
    static final int CALLING = 2;
    static final int DROPPED = 3;

    final String probeToken;
    final Split split;
    final FailureReport report;
    final io.opentelemetry.context.Context trace;
    final java.util.Map<String, String> mdc;
    /** What the caller runs to get the exchange: the outcome itself, or the client's work on the answer. */
    final java.util.concurrent.CompletableFuture<java.util.function.Supplier<Exchange>> result =
        new java.util.concurrent.CompletableFuture<>();
    /** Guarded by this. */
    int phase = QUEUED;
    /** The lane thread while it waits for a permit for this call (guarded by this). */
    Thread waiter;

    Call(String probeToken, Split split) {
      this.probeToken = probeToken;
      this.split = split;
      this.report = REPORT.get();
      this.trace = io.opentelemetry.context.Context.current();
      this.mdc = org.slf4j.MDC.getCopyOfContextMap();
    }

    void done(Exchange exchange) {
      result.complete(() -> exchange);
    }
  }

  /**
   * The call under a permit, made on a thread of the lane ({@link #lane}) while the caller waits. The lane's
   * threads are platform threads: when 1C's answer arrives the kernel wakes the thread that reads it, with the
   * wake-up preference the scheduler gives a sleeper, instead of queueing a virtual thread behind the attempts' CPU
   * work on the same carrier (virtual threads are not preempted); that thread then sends the next waiting call's
   * request at once. On two busy cores such wake-ups were most of the time between one call's answer and the next
   * call's request.
   */
  private Exchange gated(String probeToken, Split split) {
    Call call = new Call(probeToken, split);
    boolean start;
    synchronized (slots) {
      if (closed) {
        return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "the 1C client is closed", null);
      }
      start = serving < max;
      if (start) {
        serving++;
      } else {
        waiting.addLast(call);
      }
    }
    if (start) {
      try {
        lane.execute(() -> serve(call));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        synchronized (slots) {
          serving--;
        }
        return notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "the 1C client is closed", null);
      }
    }
    java.util.function.Supplier<Exchange> done;
    try {
      done = result(call);
    } catch (InterruptedException e) {
      // Interrupted (an abandoned attempt, a stop): a call not made yet is dropped; one already at 1C is waited for,
      // since what 1C did is the attempt's outcome (bounded by the client's timeout).
      boolean removed;
      synchronized (slots) {
        removed = waiting.remove(call);
      }
      synchronized (call) {
        if (call.phase == Call.QUEUED) {
          call.phase = Call.DROPPED; // a lane thread about to serve it finds it dropped
          if (removed) {
            call.done(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit",
                null));
          }
        } else if (call.phase == Call.WAITING) {
          call.phase = Call.DROPPED;
          call.waiter.interrupt();
        }
      }
      while (true) {
        try {
          done = result(call);
          break;
        } catch (InterruptedException again) {
          // still interrupted; the flag is set again on the way out
        }
      }
      Exchange exchange = done.get();
      Thread.currentThread().interrupt();
      return exchange;
    }
    return done.get();
  }

  private static java.util.function.Supplier<Exchange> result(Call call) throws InterruptedException {
    try {
      return call.result.get();
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
   * A lane thread with a slot: serves {@code first}, then the waiting calls one after the other, handing the permit
   * from one to the next while it is young enough and 1C is not down for the fleet; gives the slot back when no call
   * waits. A permit goes back to Redis before the slot does, so that a call taking the slot can have it.
   */
  private void serve(Call first) {
    Call call = first;
    Permit permit = null;
    while (true) {
      try {
        permit = serveOne(call, permit);
      } catch (Throwable e) {
        // Not from the call (serveOne answers those): the caller hears of it, the lane goes on; a permit this
        // call may have held runs out with its lease.
        call.result.completeExceptionally(e);
        permit = null;
      }
      synchronized (slots) {
        call = waiting.pollFirst();
        if (call == null && permit == null) {
          serving--;
          return;
        }
      }
      if (permit != null && !mayHandOver(permit, call)) {
        release(permit);
        permit = null;
      }
      if (call == null) {
        // The permit is back in Redis: serve a call that queued meanwhile, or give the slot back.
        synchronized (slots) {
          call = waiting.pollFirst();
          if (call == null) {
            serving--;
            return;
          }
        }
      }
    }
  }

  /**
   * One call under a permit, on a lane thread: {@code permit} when a finished call handed it over, else one from
   * Redis. The permit goes to the next call as soon as the exchange with 1C is over, not after the client's work on
   * the answer, which the caller does: every moment between one call's answer and the next call's request is
   * capacity of 1C lost. Answers the permit still held, or null.
   */
  private Permit serveOne(Call call, Permit permit) {
    REPORT.set(call.report);
    if (call.mdc != null) {
      org.slf4j.MDC.setContextMap(call.mdc);
    }
    try (io.opentelemetry.context.Scope ignored = call.trace.makeCurrent()) {
      synchronized (call) {
        if (call.phase == Call.DROPPED) {
          call.done(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null));
          return permit;
        }
        call.phase = Call.WAITING;
        call.waiter = Thread.currentThread();
      }
      if (permit == null) {
        try {
          permit = acquire(call.probeToken);
        } catch (Refused refused) {
          call.done(new Exchange(refused.notCalled, "", 0));
          return null;
        } catch (InterruptedException e) {
          call.done(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null));
          return null;
        } catch (RuntimeException e) {
          call.done(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "no 1C permit, Redis unavailable: "
              + e.getMessage(), null));
          return null;
        }
      }
      synchronized (call) {
        Thread.interrupted(); // an interrupt that came after the permit was granted is answered here, not by the call
        if (call.phase == Call.DROPPED) {
          call.done(notCalled(CallOutcome.NotCalled.Why.OUR_SIDE, "interrupted while waiting for a 1C permit", null));
          return permit;
        }
        call.phase = Call.CALLING;
        call.waiter = null;
      }
      boolean early;
      inFlight.incrementAndGet();
      try {
        early = call.split.exchange();
      } catch (Throwable e) {
        call.result.completeExceptionally(e);
        return permit;
      } finally {
        inFlight.decrementAndGet();
      }
      if (early) {
        // The caller's thread does the client's work on the answer while this one sends the next request.
        permit = handOnOrRelease(permit);
        call.result.complete(() -> {
          Exchange exchange = call.split.outcome();
          if (exchange.outcome() instanceof CallOutcome.Transient failure) {
            reportFailure(call.report, failure);
          }
          return exchange;
        });
        return permit;
      }
      try {
        Exchange exchange = call.split.outcome();
        if (exchange.outcome() instanceof CallOutcome.Transient failure) {
          reportFailure(call.report, failure);
        }
        permit = handOnOrRelease(permit);
        call.done(exchange);
      } catch (Throwable e) {
        call.result.completeExceptionally(e);
      }
      return permit;
    } finally {
      REPORT.remove();
      org.slf4j.MDC.clear();
      Thread.interrupted(); // a caller's interrupt meant for the permit wait stays with that call
    }
  }

  /**
   * The permit, kept when a call waits that may have it; otherwise back in Redis before the caller has its answer,
   * so that a call that returned holds nothing in the fleet.
   */
  private Permit handOnOrRelease(Permit permit) {
    Call next;
    synchronized (slots) {
      next = waiting.peekFirst();
    }
    if (mayHandOver(permit, next)) {
      return permit;
    }
    release(permit);
    return null;
  }

  private boolean mayHandOver(Permit permit, Call next) {
    return next != null && next.probeToken == null && youngEnough(permit) && System.nanoTime() - downUntilNanos >= 0;
  }

  /**
   * A transient failure reaches the fleet's health before this call's permit goes back or to a waiting call
   * (the client leaves a failure's classification on the lane, {@link Split#exchange()}): once the streak marks 1C
   * down, no permit is handed over and Redis grants none but the probe's, so the calls to a dead 1C stay bounded by
   * the threshold and the cap.
   */
  private void reportFailure(FailureReport report, CallOutcome.Transient failure) {
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
    synchronized (slots) {
      closed = true; // calls already waiting are still served
    }
    lane.shutdown();
    delegate.close();
  }
}
