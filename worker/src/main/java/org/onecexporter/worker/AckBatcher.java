package org.onecexporter.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for acks: jobs that finish while an ack call is in flight are acked together in the next call.
 * Adds no wait when idle (the first ack goes out at once) and turns N round trips into one under load. A job
 * thread waits for its own ack, so a slot is free only once its job is recorded.
 */
final class AckBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
  private static final int MAX_BATCH = 128;

  private record Pending(JobQueue.Ack ack, CompletableFuture<Boolean> done) {}

  private final JobQueue queue;
  private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  AckBatcher(JobQueue queue) {
    this.queue = queue;
    this.thread = Thread.ofPlatform().daemon().name("worker-acks").start(this::loop);
  }

  /** Acks the job; true when its lease still held. Throws when Redis failed (the lease brings the job back). */
  boolean ack(JobQueue.Ack ack) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    pending.add(new Pending(ack, done));
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
        try {
          boolean[] results = queue.ackAll(batch.stream().map(Pending::ack).toList());
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(results[i]);
          }
        } catch (RuntimeException e) {
          LOG.warn("ack of {} job(s) failed; their leases will bring them back: {}", batch.size(), e.toString());
          batch.forEach(p -> p.done().completeExceptionally(e));
        }
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
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
