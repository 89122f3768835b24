package org.onecexporter.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
 */
final class AckBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
  private static final int MAX_BATCH = 128;

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
  private volatile boolean running = true;

  /** Acks only: never leases successors. */
  AckBatcher(JobQueue queue) {
    this(queue, Duration.ZERO, "", wanted -> 0, unused -> {});
  }

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

  /** Acks the job; true when its lease still held. Throws when Redis failed (the lease brings the job back). */
  boolean ack(JobQueue.Ack ack) {
    return ackAndNext(ack, false).acked();
  }

  /** Acks the job and, when {@code wantsNext}, may lease the next job for the caller's slot. Throws like ack. */
  Outcome ackAndNext(JobQueue.Ack ack, boolean wantsNext) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    pending.add(new Pending(ack, wantsNext, done));
    return done.join();
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (running || !pending.isEmpty()) {
      try {
        Pending first = pending.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        pending.drainTo(batch, MAX_BATCH - 1);
        flush(batch);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private void flush(List<Pending> batch) {
    int wanted = 0;
    for (Pending p : batch) {
      wanted += p.wantsNext() ? 1 : 0;
    }
    int reserved = wanted == 0 || !running ? 0 : Math.max(0, reserve.applyAsInt(wanted));
    List<JobQueue.Ack> acks = batch.stream().map(Pending::ack).toList();
    try {
      boolean[] acked;
      List<ClaimedJob> next;
      if (reserved == 0) {
        acked = queue.ackAll(acks);
        next = List.of();
      } else {
        JobQueue.AckClaim r = queue.ackAndClaim(acks, lease, workerId, reserved);
        acked = r.acked();
        next = r.claimed();
      }
      unreserve.accept(reserved - next.size());
      int given = 0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        ClaimedJob successor = p.wantsNext() && given < next.size() ? next.get(given++) : null;
        p.done().complete(new Outcome(acked[i], successor));
      }
    } catch (RuntimeException e) {
      unreserve.accept(reserved);
      LOG.warn("ack of {} job(s) failed; their leases will bring them back: {}", batch.size(), e.toString());
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
