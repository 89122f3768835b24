package org.onecexporter.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** One of the worker's job slots, held by a chain of jobs (a job and the successors leased with its ack). */
final class Slot {
  private final Semaphore pool;
  private final AtomicBoolean held = new AtomicBoolean(true);

  Slot(Semaphore pool) {
    this.pool = pool;
  }

  /** Whether the chain still holds it (not given back when its attempt was abandoned). */
  boolean held() {
    return held.get();
  }

  /** Gives the slot back to the dispatcher, once. */
  void giveBack() {
    if (held.compareAndSet(true, false)) {
      pool.release();
    }
  }
}
