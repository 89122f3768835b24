package org.onecexporter.worker;

import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.AckClaim;
import org.onecexporter.queue.model.Ack;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for acks: jobs that finish while an ack call is in flight are acked together in the next call.
 * Adds no wait when idle (the first ack goes out at once) and turns N round trips into one under load. A job
 * thread waits for its own ack, so a slot is free only once its job is recorded.
 *
 * <p>The same call leases the next jobs for the slots it frees (BullMQ's "move to finished and fetch next"):
 * a job thread that asks for one gets its successor with the ack and goes on with it, holding its slot, so a
 * busy worker needs no separate claim round trip. Successors are only taken while the worker takes jobs
 * ({@code takeSuccessors}: running, its own PostgreSQL and Redis answering); the script itself holds them back while
 * 1C is down for the fleet.
 *
 * <p>{@value #MAX_IN_FLIGHT} batch is on the wire at a time: jobs that finish while it is out go in the next one,
 * sent as soon as it is answered. No thread of its own: a job thread that finds no batch on the wire sends its ack
 * (and whatever else waits) itself; when a batch is answered, the acks that arrived meanwhile go out from the
 * answer's callback, so no ack pays a hop to another thread.
 */
final class AckBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
  private static final int MAX_BATCH = 128;
  /**
   * Batches on the wire at once. 1 measured best at every concurrency (no-op bench: jobs/s +12 % at 10, +10 % at 50
   * and 200, process CPU per job -10 to -25 % against 2; 3 and 4 were worse still): bigger batches, fewer wake-ups.
   */
  private static final int MAX_IN_FLIGHT = 1;

  /** Whether the job's lease still held when it was acked, and the next job for its slot (or null). */
  record Outcome(boolean acked, ClaimedJob next) {}

  private record Pending(Ack ack, boolean wantsNext, CompletableFuture<Outcome> done) {}

  private final JobQueue queue;
  private final Duration lease;
  private final String workerId;
  private final BooleanSupplier takeSuccessors;
  private final Object lock = new Object();
  /** Acks waiting for a batch (guarded by {@link #lock}). */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Batches on the wire (guarded by {@link #lock}); while any is, it sends {@link #pending} when answered. */
  private int onWire;
  private volatile boolean running = true;

  /** @param takeSuccessors whether successors may be leased now (asked once per batch) */
  AckBatcher(JobQueue queue, Duration lease, String workerId, BooleanSupplier takeSuccessors) {
    this.queue = queue;
    this.lease = lease;
    this.workerId = workerId;
    this.takeSuccessors = takeSuccessors;
  }

  /**
   * Acks the job and, when {@code wantsNext}, may lease the next job for the caller's slot. Throws when Redis
   * failed (the lease brings the job back).
   */
  Outcome ackAndNext(Ack ack, boolean wantsNext) {
    Pending mine = new Pending(ack, wantsNext, new CompletableFuture<>());
    List<Pending> batch = null;
    synchronized (lock) {
      pending.add(mine);
      if (onWire < MAX_IN_FLIGHT) {
        onWire++;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
    return mine.done().join();
  }

  /** Up to {@link #MAX_BATCH} waiting acks, oldest first (under {@link #lock}). */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>(Math.min(MAX_BATCH, pending.size()));
    while (batch.size() < MAX_BATCH && !pending.isEmpty()) {
      batch.add(pending.poll());
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    flush(batch).whenComplete((ignored, error) -> sendWaiting());
  }

  /** A batch was answered: send the acks that arrived meanwhile, or leave its place on the wire free. */
  private void sendWaiting() {
    List<Pending> next;
    synchronized (lock) {
      if (pending.isEmpty()) {
        onWire--;
        lock.notifyAll();
        return;
      }
      next = take();
    }
    send(next);
  }

  private CompletionStage<Void> flush(List<Pending> batch) {
    int wanted = 0;
    for (Pending p : batch) {
      wanted += p.wantsNext() ? 1 : 0;
    }
    int reserved = wanted == 0 || !running || !takeSuccessors.getAsBoolean() ? 0 : wanted;
    List<Ack> acks = batch.stream().map(Pending::ack).toList();
    CompletionStage<AckClaim> call;
    try {
      call = reserved == 0
          ? queue.ackAllAsync(acks).thenApply(acked -> new AckClaim(acked, List.of()))
          : queue.ackAndClaimAsync(acks, lease, workerId, reserved);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle((r, error) -> {
      if (error != null) {
        LOG.warn("ack of {} job(s) failed; their leases will bring them back: {}", batch.size(), error.toString());
        batch.forEach(p -> p.done().completeExceptionally(error));
        return null;
      }
      int given = 0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        ClaimedJob successor = p.wantsNext() && given < r.claimed().size() ? r.claimed().get(given++) : null;
        p.done().complete(new Outcome(r.acked()[i], successor));
      }
      return null;
    });
  }

  /** Waits (up to 5 s) until the acks sent or waiting are answered. */
  @Override
  public void close() {
    running = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    synchronized (lock) {
      try {
        long left;
        while ((onWire > 0 || !pending.isEmpty()) && (left = deadline - System.nanoTime()) > 0) {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
