package org.onecexporter.worker;

import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.Abandoned;
import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.onecexporter.export.ExportResult;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of the jobs this worker works on: all renewed in one script call every third of the lease, and an
 * attempt past JOB_TIMEOUT_SECONDS given up ({@link #abandon}) so that another worker exports its job.
 */
final class LeaseKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  /**
   * An abandoned job is claimable again after this hold: a claim of the abandoning worker already on the wire
   * cannot take it back (the worker's gate closes before the hand-back, the hold covers the call in between).
   */
  static final Duration ABANDON_HOLD = Duration.ofSeconds(2);

  /** One attempt on one job: its thread, when it started, and the slot of its chain. */
  static final class Attempt {
    final ClaimedJob job;
    final Slot slot;
    final long startedNanos = System.nanoTime();
    final Thread thread = Thread.currentThread();
    volatile boolean abandoned;
    /** Its finishing move is on its way ({@link #settling}). */
    volatile boolean settling;
    /** Its lease was found lost (and said so, once). */
    volatile boolean lost;

    private Attempt(ClaimedJob job, Slot slot) {
      this.job = job;
      this.slot = slot;
    }
  }

  private final WorkerConfig config;
  private final JobQueue queue;
  private final DependencyGate gate;
  private final WorkerMetrics metrics;
  /** Jobs being worked on, by order id; an abandoned attempt leaves the map. */
  private final Map<String, Attempt> inFlight = new ConcurrentHashMap<>();

  LeaseKeeper(WorkerConfig config, JobQueue queue, DependencyGate gate, WorkerMetrics metrics) {
    this.config = config;
    this.queue = queue;
    this.gate = gate;
    this.metrics = metrics;
  }

  /** The calling thread starts an attempt on {@code job}. */
  Attempt begin(ClaimedJob job, Slot slot) {
    Attempt attempt = new Attempt(job, slot);
    inFlight.put(job.orderId(), attempt);
    return attempt;
  }

  /**
   * The attempt's finishing move (ack, retry, DLQ, release) is about to go out. Its lease is still renewed until
   * {@link #end} (the move may be slow, or fail and leave the job to the reaper), but a renewal refused from now on is
   * the move having landed, not a lease taken over: nothing to warn about.
   */
  void settling(Attempt attempt) {
    attempt.settling = true;
  }

  /** The attempt ended (its entry only: a newer attempt on the same order keeps its own). */
  void end(Attempt attempt) {
    inFlight.remove(attempt.job.orderId(), attempt);
  }

  int size() {
    return inFlight.size();
  }

  List<ClaimedJob> jobs() {
    return inFlight.values().stream().map(a -> a.job).toList();
  }

  /** Renews the leases of every job in flight in one call; gives up the attempts past JOB_TIMEOUT_SECONDS. */
  void renewAll() {
    long now = System.nanoTime();
    long timeout = config.jobTimeout().toNanos();
    List<Attempt> attempts = new ArrayList<>();
    for (Attempt attempt : List.copyOf(inFlight.values())) {
      if (now - attempt.startedNanos > timeout) {
        abandon(attempt);
      } else {
        attempts.add(attempt);
      }
    }
    if (attempts.isEmpty()) {
      return;
    }
    try {
      boolean[] kept = queue.extendAll(attempts.stream().map(a -> a.job).toList(), config.lease());
      for (int i = 0; i < kept.length; i++) {
        Attempt attempt = attempts.get(i);
        // Refused while the attempt was still running, and it still is: the lease was taken over. An attempt whose
        // own finishing move went out since the snapshot (settling) or that ended is no news.
        if (!kept[i] && !attempt.settling && !attempt.lost && inFlight.get(attempt.job.orderId()) == attempt) {
          attempt.lost = true; // said once: the renewals that follow until the attempt ends find the same
          LOG.warn("lease on order {} was lost; another worker may have it", attempt.job.orderId(),
              kv("order_id", attempt.job.orderId()));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("lease renewal failed: {}", e.toString());
      gate.suspect(DependencyGate.Dependency.REDIS, "lease renewal failed: " + e);
    }
  }

  /**
   * Gives up an attempt past JOB_TIMEOUT_SECONDS (a frozen database or network, a hung call). First this worker's
   * gate closes (it takes no new jobs until its own PostgreSQL and Redis answer a probe), then the job is handed
   * back at once, claimable by any worker after {@link #ABANDON_HOLD} and counted as a stall (the
   * WORKER_MAX_STALLS-th sends it to the DLQ as {@code infrastructure}); if that call fails, the lease is no longer
   * renewed and the reaper hands the job on. The attempt's thread is interrupted and its slot freed; whatever it
   * does when it wakes up is token-checked.
   */
  private void abandon(Attempt attempt) {
    if (attempt.abandoned) {
      return;
    }
    attempt.abandoned = true;
    inFlight.remove(attempt.job.orderId(), attempt);
    gate.suspect("order " + attempt.job.orderId() + ": attempt past JOB_TIMEOUT_SECONDS");
    String error = "attempt abandoned by worker " + config.workerId() + " after " + config.jobTimeout().toSeconds()
        + " s (JOB_TIMEOUT_SECONDS): its database or network stopped answering";
    Abandoned handedBack;
    try {
      handedBack = queue.abandon(attempt.job, ABANDON_HOLD, config.maxStalls(), config.workerId(), error);
    } catch (RuntimeException e) {
      handedBack = null;
      gate.suspect(DependencyGate.Dependency.REDIS, "handing back an abandoned job failed: " + e);
    }
    LOG.error("order {}: attempt still running after {} s (JOB_TIMEOUT_SECONDS); abandoned, {}", attempt.job.orderId(),
        config.jobTimeout().toSeconds(), handedBack == Abandoned.HELD
            ? "the job is handed back for another worker in " + ABANDON_HOLD.toSeconds() + " s"
            : handedBack == Abandoned.DEAD ? "the job went to the DLQ (infrastructure): given up "
                + config.maxStalls() + " times (WORKER_MAX_STALLS)"
            : handedBack == Abandoned.GONE ? "the job had already finished or moved on"
            : "its lease is no longer renewed and another worker will take the job",
        kv("order_id", attempt.job.orderId()), kv("outcome", "abandoned"));
    if (handedBack == Abandoned.DEAD) {
      metrics.deadLetter(ExportResult.Reason.INFRASTRUCTURE.wire());
    }
    metrics.abandoned();
    attempt.thread.interrupt();
    attempt.slot.giveBack();
  }
}
