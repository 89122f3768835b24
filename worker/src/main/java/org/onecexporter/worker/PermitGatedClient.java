package org.onecexporter.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a fleet-wide permit (Redis) around each call to 1C, so that all workers together never run more than
 * {@code ONEC_MAX_CONCURRENCY} calls: each call is a 1C session and a licence. A local semaphore of the same
 * size keeps waiting calls off Redis. When Redis cannot grant a permit the call is not made (transient).
 */
final class PermitGatedClient implements OneCClient {
  private static final Logger LOG = LoggerFactory.getLogger(PermitGatedClient.class);

  private final OneCClient delegate;
  private final JobQueue queue;
  private final int max;
  private final Duration permitLease;
  private final Semaphore local;

  private final java.util.concurrent.atomic.AtomicInteger inFlight;

  PermitGatedClient(OneCClient delegate, JobQueue queue, int max, Duration oneCTimeout) {
    this(delegate, queue, max, oneCTimeout, new java.util.concurrent.atomic.AtomicInteger());
  }

  PermitGatedClient(OneCClient delegate, JobQueue queue, int max, Duration oneCTimeout,
      java.util.concurrent.atomic.AtomicInteger inFlight) {
    this.inFlight = inFlight;
    this.delegate = delegate;
    this.queue = queue;
    this.max = max;
    this.permitLease = oneCTimeout.plusSeconds(30);
    this.local = new Semaphore(max, true);
  }

  @Override
  public Exchange send(String invoiceNumber, String jsonBody) {
    String permit = UUID.randomUUID().toString();
    try {
      local.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Exchange(new CallOutcome.Transient(0, "interrupted while waiting for a 1C permit", null), "", 0);
    }
    try {
      while (true) {
        Optional<Duration> wait = queue.tryAcquirePermit(permit, max, permitLease);
        if (wait.isEmpty()) {
          break;
        }
        queue.awaitPermit(wait.get().compareTo(Duration.ofSeconds(1)) < 0 ? wait.get() : Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      local.release();
      Thread.currentThread().interrupt();
      return new Exchange(new CallOutcome.Transient(0, "interrupted while waiting for a 1C permit", null), "", 0);
    } catch (RuntimeException e) {
      local.release();
      return new Exchange(new CallOutcome.Transient(0, "no 1C permit, Redis unavailable: " + e.getMessage(), null),
          "", 0);
    }
    inFlight.incrementAndGet();
    try {
      return delegate.send(invoiceNumber, jsonBody);
    } finally {
      inFlight.decrementAndGet();
      try {
        queue.releasePermit(permit);
      } catch (RuntimeException e) {
        LOG.warn("could not release the 1C permit; it expires in {} s", permitLease.toSeconds());
      }
      local.release();
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
