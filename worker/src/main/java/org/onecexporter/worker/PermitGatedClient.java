package org.onecexporter.worker;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.fleet.OneCGate;
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
 * <p>While the fleet knows 1C is down ({@link FleetHealth}), Redis grants a permit only to the probe's call; any
 * other call is not made ({@link CallOutcome.NotCalled#oneCDown()}) and no permit is handed over.
 */
public final class PermitGatedClient implements OneCClient {
  static final Duration HAND_OFF_FOR = Duration.ofSeconds(1);
  /** A call waits at most this long for a permit; then the job is handed back (JOB_TIMEOUT_SECONDS' margin). */
  static final Duration MAX_PERMIT_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(PermitGatedClient.class);

  private record Permit(String id, long acquiredNanos) {}

  private final OneCClient delegate;
  private final JobQueue queue;
  private final int max;
  private final Duration permitLease;
  private final Semaphore local;
  private final AtomicInteger inFlight;
  /** Permits held in Redis and handed over, waiting for the call that takes the next local slot. */
  private final ConcurrentLinkedQueue<Permit> handedOver = new ConcurrentLinkedQueue<>();
  /** Until when (nanoTime) Redis last said 1C is down for the fleet: no hand-over meanwhile. */
  private volatile long downUntilNanos = System.nanoTime();

  /** Redis refused the call: the fleet knows 1C is down and this is not the probe. */
  private static final class OneCDown extends Exception {
    final Duration untilProbe;

    OneCDown(Duration untilProbe, String reason) {
      super(reason, null, false, false);
      this.untilProbe = untilProbe;
    }
  }

  public PermitGatedClient(OneCClient delegate, JobQueue queue, int max, Duration oneCTimeout) {
    this(delegate, queue, max, oneCTimeout, new AtomicInteger());
  }

  PermitGatedClient(OneCClient delegate, JobQueue queue, int max, Duration oneCTimeout, AtomicInteger inFlight) {
    this.inFlight = inFlight;
    this.delegate = delegate;
    this.queue = queue;
    this.max = max;
    this.permitLease = oneCTimeout.plusSeconds(30);
    this.local = new Semaphore(max, true);
  }

  @Override
  public Exchange send(String invoiceNumber, String jsonBody) {
    try {
      local.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Exchange(new CallOutcome.NotCalled("interrupted while waiting for a 1C permit"), "", 0);
    }
    Permit permit;
    try {
      permit = FleetHealth.probeToken() != null || System.nanoTime() - downUntilNanos < 0 ? null : takeHandedOver();
      if (permit == null) {
        permit = acquire();
      }
    } catch (OneCDown down) {
      finish(null);
      return new Exchange(new CallOutcome.NotCalled(down.getMessage(), down.untilProbe), "", 0);
    } catch (InterruptedException e) {
      finish(null);
      Thread.currentThread().interrupt();
      return new Exchange(new CallOutcome.NotCalled("interrupted while waiting for a 1C permit"), "", 0);
    } catch (RuntimeException e) {
      finish(null);
      return new Exchange(new CallOutcome.NotCalled("no 1C permit, Redis unavailable: " + e.getMessage()),
          "", 0);
    }
    inFlight.incrementAndGet();
    try {
      return delegate.send(invoiceNumber, jsonBody);
    } finally {
      inFlight.decrementAndGet();
      finish(permit);
    }
  }

  private Permit acquire() throws InterruptedException, OneCDown {
    Permit permit = new Permit(UUID.randomUUID().toString(), System.nanoTime());
    String probe = FleetHealth.probeToken();
    while (true) {
      OneCGate.Permit answer = queue.oneC().tryAcquirePermit(permit.id(), max, permitLease, probe);
      if (answer.granted()) {
        return permit;
      }
      if (answer.oneCDown()) {
        downUntilNanos = System.nanoTime() + answer.retryIn().toNanos();
        throw new OneCDown(answer.retryIn(), "1C is down for the fleet; the next probe is due in "
            + answer.retryIn().toMillis() + " ms");
      }
      if (System.nanoTime() - permit.acquiredNanos() > MAX_PERMIT_WAIT.toNanos()) {
        // The fleet-wide cap stayed busy: give the job back rather than hold its database session idle.
        throw new OneCDown(Duration.ofSeconds(1), "no 1C permit within " + MAX_PERMIT_WAIT.toSeconds()
            + " s: the fleet-wide cap (ONEC_MAX_CONCURRENCY) is busy");
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
    Permit idle;
    while ((idle = handedOver.poll()) != null) {
      release(idle);
    }
    delegate.close();
  }
}
