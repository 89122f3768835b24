package org.onecexporter.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.JobQueue.ClaimedJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for acks: jobs that finish while an ack call is in flight are acked together in the next call.
 * Adds no wait when idle (the first ack goes out at once) and turns N round trips into one under load. A job
 * thread waits for its own ack, so a slot is free only once its job is recorded.
 *
 * <p>The same call leases the next jobs for the slots it frees (BullMQ's "move to finished and fetch next"):
 * a job thread that asks for one gets its successor with the ack and goes on with it, holding its slot, so a
 * busy worker needs no separate claim round trip. Successors are only taken with the worker's consent
 * ({@code reserve}: running, and a circuit-breaker permission for each).
 *
 * <p>Up to {@value #MAX_IN_FLIGHT} batches are on the wire at once, so jobs that finish while a batch is out do
 * not wait for its answer before theirs is sent.
 */
final class AckBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
  private static final int MAX_BATCH = 128;
  private static final int MAX_IN_FLIGHT = 2;

  /** Whether the job's lease still held when it was acked, and the next job for its slot (or null). */
  record Outcome(boolean acked, ClaimedJob next) {}

  private record Pending(JobQueue.Ack ack, boolean wantsNext, CompletableFuture<Outcome> done) {}

  private final JobQueue queue;
  private final Duration lease;
  private final String workerId;
  private final IntUnaryOperator reserve;
  private final IntConsumer unreserve;
  private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private volatile boolean running = true;

  /**
   * @param reserve given how many successors are wanted, returns how many may be leased (and holds a
   *     circuit-breaker permission for each)
   * @param unreserve gives back the permissions of reserved successors that were not leased
   */
  AckBatcher(JobQueue queue, Duration lease, String workerId, IntUnaryOperator reserve, IntConsumer unreserve) {
    this.queue = queue;
    this.lease = lease;
    this.workerId = workerId;
    this.reserve = reserve;
    this.unreserve = unreserve;
    this.thread = Thread.ofPlatform().daemon().name("worker-acks").start(this::loop);
  }

  /**
   * Acks the job and, when {@code wantsNext}, may lease the next job for the caller's slot. Throws when Redis
   * failed (the lease brings the job back).
   */
  Outcome ackAndNext(JobQueue.Ack ack, boolean wantsNext) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    pending.add(new Pending(ack, wantsNext, done));
    return done.join();
  }

  private void loop() {
    while (running || !pending.isEmpty()) {
      try {
        Pending first = pending.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        inFlight.acquire();
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        batch.add(first);
        pending.drainTo(batch, MAX_BATCH - 1);
        flush(batch).whenComplete((ignored, error) -> inFlight.release());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private CompletionStage<Void> flush(List<Pending> batch) {
    int wanted = 0;
    for (Pending p : batch) {
      wanted += p.wantsNext() ? 1 : 0;
    }
    int reserved = wanted == 0 || !running ? 0 : Math.max(0, reserve.applyAsInt(wanted));
    List<JobQueue.Ack> acks = batch.stream().map(Pending::ack).toList();
    CompletionStage<JobQueue.AckClaim> call;
    try {
      call = reserved == 0
          ? queue.ackAllAsync(acks).thenApply(acked -> new JobQueue.AckClaim(acked, List.of()))
          : queue.ackAndClaimAsync(acks, lease, workerId, reserved);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle((r, error) -> {
      if (error != null) {
        unreserve.accept(reserved);
        LOG.warn("ack of {} job(s) failed; their leases will bring them back: {}", batch.size(), error.toString());
        batch.forEach(p -> p.done().completeExceptionally(error));
        return null;
      }
      unreserve.accept(reserved - r.claimed().size());
      int given = 0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        ClaimedJob successor = p.wantsNext() && given < r.claimed().size() ? r.claimed().get(given++) : null;
        p.done().complete(new Outcome(r.acked()[i], successor));
      }
      return null;
    });
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
      if (inFlight.tryAcquire(MAX_IN_FLIGHT, 5, TimeUnit.SECONDS)) { // the last batches are answered
        inFlight.release(MAX_IN_FLIGHT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
