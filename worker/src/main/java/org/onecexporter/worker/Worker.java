package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.onecexporter.export.AttemptResult;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.JobHandler;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.onec.ResponseClassifier;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.fleet.OneCGate.Health;
import org.onecexporter.queue.fleet.OneCGate.HealthReport;
import org.onecexporter.queue.model.Abandoned;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.telemetry.Traces;
import org.onecexporter.logging.RootCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker process: claims jobs from the Redis queue and exports them on virtual threads.
 *
 * <p>A job's life, written down once: {@code ready → active → (exported | delayed → ready … | dead)}.
 * Transient failures wait in the delayed set on the retry schedule and go to the DLQ when it runs out;
 * rejections go to the DLQ at once; a lease that runs out (killed worker) returns the job to ready. 1C's health is
 * one fact for the whole fleet ({@link FleetHealth}): once it is down, only one probe job at a time calls it and
 * the others wait without spending their attempts.
 */
public final class Worker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final AttributeKey<Long> SPAN_ORDER_ID = AttributeKey.longKey("onec.order_id");
  private static final AttributeKey<Long> SPAN_ATTEMPT = AttributeKey.longKey("onec.attempt");
  private static final AttributeKey<Boolean> SPAN_PROBE = AttributeKey.booleanKey("onec.probe");
  /** What the worker did with the job after the attempt: acked, retry, dead_letter, released, waiting. */
  private static final AttributeKey<String> SPAN_DECISION = AttributeKey.stringKey("onec.decision");
  private static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  /**
   * An abandoned job is claimable again after this hold: a claim of the abandoning worker already on the wire
   * cannot take it back (the worker's gate closes before the hand-back, the hold covers the call in between).
   */
  static final Duration ABANDON_HOLD = Duration.ofSeconds(2);
  /** How long a job waits when 1C says it is not configured and gives no Retry-After. */
  private static final Duration NOT_CONFIGURED_RETRY = Duration.ofMinutes(5);

  private final WorkerConfig config;
  private final JobQueue queue;
  private final JobHandler exporter;
  private final Reconciler reconciler;
  private final RetrySchedule schedule;
  private final FleetHealth health;
  /** This worker's own PostgreSQL and Redis: while one does not answer, it takes no new jobs. */
  private final DependencyGate gate;
  private final Semaphore slots;
  private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform()
      .daemon().name("worker-timer-", 0).factory());
  /** Jobs being worked on, by order id; an attempt past JOB_TIMEOUT_SECONDS is abandoned and leaves the map. */
  private final Map<String, Attempt> inFlight = new ConcurrentHashMap<>();
  private static final ThreadLocal<Attempt> CURRENT_ATTEMPT = new ThreadLocal<>();

  /** One attempt on one job: its thread, when it started, and the job slot of its chain (released once). */
  private static final class Attempt {
    final ClaimedJob job;
    final long startedNanos = System.nanoTime();
    final Thread thread = Thread.currentThread();
    final AtomicBoolean slot;
    volatile boolean abandoned;

    Attempt(ClaimedJob job, AtomicBoolean slot) {
      this.job = job;
      this.slot = slot;
    }
  }
  private final WorkerMetrics metrics;
  private final AckBatcher acks;
  private final AtomicBoolean running = new AtomicBoolean();
  /** Completed when a retry this worker scheduled falls due, so the idle dispatcher claims it on time. */
  private volatile java.util.concurrent.CompletableFuture<Void> nudge = new java.util.concurrent.CompletableFuture<>();
  private Thread dispatcher;

  public Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler) {
    this(config, queue, exporter, reconciler, new WorkerMetrics());
  }

  public Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler,
      WorkerMetrics metrics) {
    this(config, queue, exporter, reconciler, metrics, null, DependencyGate.Timings.DEFAULT);
  }

  /**
   * @param database probes this worker's PostgreSQL (e.g. {@code SELECT 1} through its pool), or null when the
   *     worker has no probe for it; Redis is probed through {@code queue}
   */
  public Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler,
      WorkerMetrics metrics, java.util.function.BooleanSupplier database) {
    this(config, queue, exporter, reconciler, metrics, database, DependencyGate.Timings.DEFAULT);
  }

  Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler, WorkerMetrics metrics,
      java.util.function.BooleanSupplier database, DependencyGate.Timings probeTimings) {
    Map<DependencyGate.Dependency, java.util.function.BooleanSupplier> probes =
        new java.util.EnumMap<>(DependencyGate.Dependency.class);
    probes.put(DependencyGate.Dependency.REDIS, queue::ping);
    if (database != null) {
      probes.put(DependencyGate.Dependency.POSTGRESQL, database);
    }
    this.gate = new DependencyGate(config.workerId(), probes, probeTimings);
    metrics.sick(wire -> java.util.Arrays.stream(DependencyGate.Dependency.values())
        .anyMatch(d -> d.wire().equals(wire) && gate.sick(d)));
    this.config = config;
    this.metrics = metrics;
    this.acks = new AckBatcher(queue, config.lease(), config.workerId(), this::reserveSuccessors, unused -> {});
    this.queue = queue;
    this.exporter = exporter;
    this.reconciler = reconciler;
    this.schedule = exporter.schedule();
    this.slots = new Semaphore(config.concurrency());
    this.health = new FleetHealth(queue, config, to -> {
      metrics.circuitTransition(to);
    });
    metrics.circuit(health::state);
    metrics.inFlightJobs(inFlight::size);
    exporter.observe(metrics);
  }

  public WorkerMetrics metrics() {
    return metrics;
  }

  /** 1C's fleet-wide health as this worker last saw it: CLOSED (up), OPEN (down), HALF_OPEN (a probe calls). */
  public CircuitState circuitState() {
    return health.state();
  }

  public int inFlight() {
    return inFlight.size();
  }

  /**
   * The readiness checks of this worker's own dependencies ({@code redis}, {@code postgresql}): false while one is
   * sick. Answered from the last probe, at once: a frozen dependency does not freeze {@code /health/ready}.
   */
  public Map<String, java.util.function.BooleanSupplier> readiness() {
    Map<String, java.util.function.BooleanSupplier> checks = new java.util.LinkedHashMap<>();
    for (DependencyGate.Dependency d : DependencyGate.Dependency.values()) {
      checks.put(d.wire(), () -> gate.ready(d));
    }
    return checks;
  }

  /** Whether this worker takes new jobs: its own PostgreSQL and Redis answered their last probes. */
  public boolean takingJobs() {
    return gate.open();
  }

  public Worker start() {
    if (!running.compareAndSet(false, true)) {
      return this;
    }
    gate.start();
    dispatcher = Thread.ofPlatform().name("worker-dispatcher").start(this::dispatch);
    long renewMillis = config.renewInterval().toMillis();
    timers.scheduleWithFixedDelay(this::renewAll, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    long reapMillis = config.reapInterval().toMillis();
    timers.scheduleWithFixedDelay(() -> periodic("reaper", config.reapInterval(), () -> {
      long moved = queue.reap(config.maxStalls());
      if (moved > 0) {
        LOG.warn("reaper: {} job(s) whose lease ran out are back in play", moved, kv("reaped", moved));
      }
    }), reapMillis, reapMillis, TimeUnit.MILLISECONDS);
    if (reconciler != null) {
      long reconcileMillis = config.reconcileInterval().toMillis();
      timers.scheduleWithFixedDelay(() -> periodic("reconciler", config.reconcileInterval(), reconciler::run),
          Math.min(reconcileMillis, 5_000), reconcileMillis, TimeUnit.MILLISECONDS);
    }
    timers.scheduleWithFixedDelay(() -> {
      try {
        metrics.refresh(queue);
        health.refresh();
      } catch (RuntimeException e) {
        LOG.debug("queue gauges not refreshed", e);
      }
    }, 0, 5, TimeUnit.SECONDS);
    LOG.info("worker {} started: concurrency {}, 1C cap {} fleet-wide, lease {} s, queue {}", config.workerId(),
        config.concurrency(), config.maxOneCCalls(), config.lease().toSeconds(), config.keys().prefix(),
        kv("worker", config.workerId()));
    return this;
  }

  /** A fleet-wide periodic task: the first worker to take the interval's lock runs it. Never throws. */
  private void periodic(String name, Duration interval, Runnable task) {
    try {
      if (queue.fleetLock().tryLock(name, interval, config.workerId())) {
        task.run();
      }
    } catch (RuntimeException e) {
      if (redisFailure(e)) {
        // Said once by the gate when the outage starts and once when it ends, not on every tick in between.
        LOG.debug("{} failed on Redis, next try in {} ms: {}", name, interval.toMillis(), e.toString());
        gate.suspect(DependencyGate.Dependency.REDIS, name + " failed: " + RootCause.oneLine(e));
      } else {
        LOG.warn("{} failed, next try in {} ms: {}", name, interval.toMillis(), e.toString());
      }
    }
  }

  /** A failure of the Redis client (Redisson's exceptions, a queue found unavailable) anywhere in the chain. */
  static boolean redisFailure(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (t instanceof org.onecexporter.queue.QueueUnavailableException
          || t.getClass().getName().startsWith("org.redisson.")) {
        return true;
      }
    }
    return false;
  }

  /** At most this many jobs are claimed in one script call. */
  private static final int CLAIM_BATCH = 32;

  private void dispatch() {
    Duration backoff = Duration.ofMillis(100);
    while (running.get()) {
      try {
        // A sick worker takes no new jobs: it waits here until its own PostgreSQL and Redis answer again.
        if (!gate.awaitOpen()) {
          break;
        }
        slots.acquire();
      } catch (InterruptedException e) {
        break;
      }
      // One free slot is ours; take as many more as are free (up to a batch). While 1C is down for the fleet the
      // claim script leases only the probe, when it is due, and says how long to wait otherwise.
      int permitted = 1 + drainSlots(CLAIM_BATCH - 1);
      if (!gate.open()) {
        slots.release(permitted); // the gate closed while waiting for a slot (an attempt was just abandoned)
        continue;
      }
      ClaimResult claim;
      try {
        claim = queue.claim(config.lease(), config.workerId(), permitted);
        backoff = Duration.ofMillis(100);
      } catch (RuntimeException e) {
        slots.release(permitted);
        if (!running.get()) {
          break; // stopping: the claim was interrupted
        }
        if (redisFailure(e)) {
          LOG.debug("claim failed, waiting {} ms: {}", backoff.toMillis(), e.toString());
        } else {
          LOG.warn("claim failed, waiting {} ms: {}", backoff.toMillis(), e.toString());
        }
        gate.suspect(DependencyGate.Dependency.REDIS, "a claim failed: " + RootCause.oneLine(e));
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        continue;
      }
      switch (claim) {
        case ClaimResult.Jobs claimed when !gate.open() -> {
          // The gate closed while the claim was on the wire: these jobs go straight back for another worker.
          for (ClaimedJob job : claimed.jobs()) {
            safely(() -> queue.release(job));
          }
          slots.release(permitted);
        }
        case ClaimResult.Jobs claimed -> {
          for (ClaimedJob job : claimed.jobs()) {
            jobs.submit(() -> process(job));
          }
          slots.release(permitted - claimed.jobs().size());
        }
        case ClaimResult.Empty empty -> {
          slots.release(permitted);
          Duration wait = empty.nextDue().filter(d -> d.compareTo(MAX_IDLE_WAIT) < 0).orElse(MAX_IDLE_WAIT);
          if (running.get()) {
            awaitWork(wait);
          }
        }
      }
    }
  }

  private int drainSlots(int max) {
    int taken = 0;
    while (taken < max && slots.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  private void awaitWork(Duration wait) {
    try {
      if (nudge.isDone()) {
        nudge = new java.util.concurrent.CompletableFuture<>();
      }
      if (!wait.isZero()) {
        queue.awaitWork(wait, nudge);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      sleep(Duration.ofMillis(500));
    }
  }

  /**
   * Runs a job on its slot, then the successors leased with each ack (see {@link AckBatcher}), until an ack
   * brings none; then the slot goes back to the dispatcher.
   */
  private void process(ClaimedJob first) {
    AtomicBoolean slot = new AtomicBoolean(true);
    ClaimedJob job = first;
    try {
      while (job != null) {
        ClaimedJob current = job;
        job = null;
        Attempt attempt = new Attempt(current, slot);
        inFlight.put(current.orderId(), attempt);
        CURRENT_ATTEMPT.set(attempt);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("order_id", LogSafe.id(current.orderId()))) {
          job = handle(current);
        } catch (RuntimeException | Error e) {
          Thread.interrupted();
          LOG.error("unexpected failure on a job; it will be retried", e, kv("order_id", LogSafe.id(current.orderId())));
          ourSideFailed(current, "internal error: " + e, current.invoiceNumber());
        } finally {
          inFlight.remove(current.orderId(), attempt); // not a newer attempt's entry for the same order
          CURRENT_ATTEMPT.remove();
        }
        if (job != null && !slot.get()) {
          ClaimedJob unwanted = job; // the slot went back when this chain was abandoned: hand the successor back
          safely(() -> queue.release(unwanted));
          job = null;
        }
      }
    } finally {
      Thread.interrupted();
      if (slot.compareAndSet(true, false)) {
        slots.release();
      }
    }
  }

  /** The current thread's attempt was abandoned (past JOB_TIMEOUT_SECONDS). */
  private static boolean abandoned() {
    Attempt attempt = CURRENT_ATTEMPT.get();
    return attempt != null && attempt.abandoned;
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
      metrics.deadLetter("infrastructure");
    }
    metrics.abandoned();
    attempt.thread.interrupt();
    if (attempt.slot.compareAndSet(true, false)) {
      slots.release();
    }
  }

  /** How many successors an ack call may lease: none when stopping (the script itself holds back while 1C is down). */
  private int reserveSuccessors(int wanted) {
    return running.get() && gate.open() ? wanted : 0;
  }

  /** Renews the leases of every job in flight, in one call, every third of the lease. */
  private void renewAll() {
    long now = System.nanoTime();
    long timeout = config.jobTimeout().toNanos();
    java.util.List<ClaimedJob> jobs = new java.util.ArrayList<>();
    for (Attempt attempt : java.util.List.copyOf(inFlight.values())) {
      if (now - attempt.startedNanos > timeout) {
        abandon(attempt);
      } else {
        jobs.add(attempt.job);
      }
    }
    if (jobs.isEmpty()) {
      return;
    }
    try {
      boolean[] kept = queue.extendAll(jobs, config.lease());
      for (int i = 0; i < kept.length; i++) {
        if (!kept[i] && inFlight.containsKey(jobs.get(i).orderId())) {
          LOG.warn("lease on order {} was lost; another worker may have it", jobs.get(i).orderId(),
              kv("order_id", jobs.get(i).orderId()));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("lease renewal failed: {}", e.toString());
      gate.suspect(DependencyGate.Dependency.REDIS, "lease renewal failed: " + e);
    }
  }

  /** Handles one job; returns the next job for this slot when its ack leased one, else null. */
  private ClaimedJob handle(ClaimedJob job) {
    if (!OrderIds.valid(job.orderId())) {
      releaseProbe(job);
      // The id is untrusted (pushed by hand, maybe 1 MB, maybe with newlines): capped and escaped everywhere.
      String error = "malformed job: '" + LogSafe.id(job.orderId()) + "' is not an order id";
      LOG.warn("{}", error, kv("order_id", LogSafe.id(job.orderId())), kv("outcome", "dead_letter"),
          kv("reason", "malformed"));
      if (safely(() -> queue.deadLetter(job, "malformed", error, 0, null))) {
        metrics.export("rejected");
        metrics.deadLetter("malformed");
      }
      return null;
    }
    long orderId = Long.parseLong(job.orderId());
    // One span per attempt, continuing the trace the enqueuer recorded with the job (the payment's); a new
    // trace when there is none. A no-op unless the SDK is configured (Telemetry), apart from the trace id the
    // attempt history keeps.
    Span span = Traces.tracer().spanBuilder("invoice-export attempt").setSpanKind(SpanKind.CONSUMER)
        .setParent(Traces.parent(job.traceparent()))
        .setAttribute(SPAN_ORDER_ID, orderId).setAttribute(SPAN_ATTEMPT, (long) job.attempt())
        .setAttribute("messaging.system", "redis").setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.destination.name", queue.keys().prefix())
        .setAttribute(SPAN_PROBE, job.probe()).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return handleOrder(job, orderId);
    } catch (RuntimeException | Error e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  private ClaimedJob handleOrder(ClaimedJob job, long orderId) {
    AttemptResult result;
    FleetHealth.exporting(job);
    try {
      result = exporter.attempt(orderId, job.attempt());
    } finally {
      FleetHealth.done();
    }
    if (abandoned()) {
      Thread.interrupted(); // the abandonment's interrupt must not fail the queue move below
      if (result instanceof AttemptResult.Retry) {
        // Too late for the schedule: the job was handed back when the attempt was abandoned. Should that call
        // have failed, hand it back now without counting anything (token-checked: otherwise nothing happens).
        LOG.warn("order {}: the abandoned attempt ended", job.orderId(), kv("order_id", job.orderId()));
        decide("released");
        safely(() -> queue.release(job));
        return null;
      }
    }
    return switch (result) {
      case AttemptResult.Done done -> finish(job, done);
      case AttemptResult.Retry retry -> {
        retry(job, retry);
        yield null;
      }
    };
  }

  /** What became of the job, on the attempt's span. */
  private static void decide(String decision) {
    Span.current().setAttribute(SPAN_DECISION, decision);
  }

  private ClaimedJob finish(ClaimedJob job, AttemptResult.Done done) {
    ExportResult r = done.result();
    if (!done.calledOneC()) {
      releaseProbe(job);
    } else if (r.status() != org.onecexporter.export.ExportStatus.EXPORTED) {
      health.report(HealthReport.UP, job); // 1C answered: it is up, whatever it said (an export's ack says so itself)
    }
    metrics.export(r.status().wire());
    return switch (r.status()) {
      case EXPORTED -> ackAndNext(new Ack(job, "exported", done.callDuration()));
      case ALREADY_EXPORTED -> ackAndNext(new Ack(job, "already_exported", null));
      case REJECTED, FAILED -> {
        LOG.warn("order {} to the DLQ: {}", job.orderId(), r.error(), kv("order_id", job.orderId()),
            kv("invoice_number", r.invoiceNumber()), kv("attempt", job.attempt()), kv("outcome", "dead_letter"),
            kv("reason", r.reason().wire()));
        decide("dead_letter");
        if (safely(() -> queue.deadLetter(job, r.reason().wire(), r.error(), r.httpStatus(), r.invoiceNumber()))) {
          metrics.deadLetter(r.reason().wire()); // counted only when the move happened
        } else {
          warnTakenOver(job);
        }
        yield null;
      }
    };
  }

  /** Acks a finished job and returns the next one for its slot (leased in the same call), or null. */
  private ClaimedJob ackAndNext(Ack ack) {
    decide("acked");
    try {
      AckBatcher.Outcome outcome = acks.ackAndNext(ack, running.get() && !abandoned());
      if (!outcome.acked()) {
        warnTakenOver(ack.job());
      }
      return outcome.next();
    } catch (RuntimeException e) {
      LOG.warn("queue move failed (the lease will bring the job back): {}", e.toString());
      gate.suspect(DependencyGate.Dependency.REDIS, "an ack failed: " + e);
      return null;
    }
  }

  private static void warnTakenOver(ClaimedJob job) {
    LOG.warn("order {}: the lease was taken over before the result could be recorded", job.orderId());
  }

  /** The probe's job ended without calling 1C: let another job probe at once. */
  private void releaseProbe(ClaimedJob job) {
    if (job.probe()) {
      health.report(HealthReport.RELEASE, job);
    }
  }

  private void retry(ClaimedJob job, AttemptResult.Retry retry) {
    if (retry.failed() == AttemptResult.Failed.ONE_C_DOWN) {
      // The fleet knows 1C is down and this job was not the probe: 1C was not called, nothing is spent.
      Duration wait = retry.retryAfter() == null ? config.circuitOpen() : retry.retryAfter();
      LOG.info("1C is down for the fleet; order {} waits {} ms without spending an attempt", job.orderId(),
          wait.toMillis(), kv("order_id", job.orderId()), kv("attempt", job.attempt()), kv("outcome", "retry"));
      decide("waiting");
      safely(() -> queue.retryLater(job, wait, retry.reason(), 0, retry.invoiceNumber(), true));
      return;
    }
    if (retry.failed() == AttemptResult.Failed.ONE_C_NOT_CONFIGURED) {
      // 1C is up but its extension is not set up: every order would fail alike until an administrator acts.
      // Not the order's fault: no attempt spent, never the DLQ; the alert on onec_not_configured calls a person.
      health.report(HealthReport.UP, job);
      Duration wait = retry.retryAfter() == null ? NOT_CONFIGURED_RETRY
          : Collections.min(List.of(retry.retryAfter(), ResponseClassifier.MAX_RETRY_AFTER));
      LOG.error("1C is not configured for the shop; order {} waits {} s without spending an attempt: {}",
          job.orderId(), wait.toSeconds(), retry.reason(), kv("order_id", job.orderId()),
          kv("invoice_number", retry.invoiceNumber()), kv("attempt", job.attempt()),
          kv("outcome", "not_configured"));
      metrics.notConfigured();
      decide("waiting");
      safely(() -> queue.retryLater(job, wait, retry.reason(), retry.httpStatus(), retry.invoiceNumber(), true));
      return;
    }
    if (retry.failed() != AttemptResult.Failed.ONE_C) {
      // Our side failed: PostgreSQL, the order lock or the permit before any call, or recording an invoice 1C
      // accepted (the next attempt is answered "exists"). Not the order's fault, and not 1C's.
      if (retry.failed() == AttemptResult.Failed.OUR_SIDE_AFTER_THE_CALL) {
        health.report(HealthReport.UP, job); // 1C answered: it is up
      } else {
        releaseProbe(job);
      }
      ourSideFailed(job, retry.reason(), retry.invoiceNumber());
      return;
    }
    // 1C failed this call. Fleet-wide: the attempt counts only when the failure looks specific to this order
    // (1C answered the call before); when it looks like 1C failing for everyone, it is refunded.
    Health h = health.report(retry.httpStatus() == 403 ? HealthReport.DOWN : HealthReport.FAIL, job);
    Optional<Duration> scheduled = schedule.delayAfter(job.attempt());
    if (h.refund()) {
      // While 1C is down the job waits for the fleet's next probe; a failed probe waits twice that, so that
      // another job probes next (one order 1C keeps failing does not hold the fleet's probe).
      Duration wait = h.down() ? (job.probe() ? h.untilProbe().multipliedBy(2) : h.untilProbe())
          : scheduled.orElse(schedule.delayAfter(1).orElse(config.circuitOpen()));
      LOG.info("1C is failing for more than this order; order {} waits {} ms without spending an attempt",
          job.orderId(), wait.toMillis(), kv("order_id", job.orderId()), kv("attempt", job.attempt()),
          kv("outcome", "retry"), kv("onec_down", h.down()));
      decide("waiting");
      safely(() -> queue.retryLater(job, wait, retry.reason(), retry.httpStatus(), retry.invoiceNumber(), true));
      metrics.retry();
    } else if (scheduled.isEmpty()) {
      LOG.warn("order {} to the DLQ after {} attempts: {}", job.orderId(), job.attempt(), retry.reason(),
          kv("order_id", job.orderId()), kv("invoice_number", retry.invoiceNumber()), kv("attempt", job.attempt()),
          kv("outcome", "dead_letter"), kv("reason", "exhausted"));
      decide("dead_letter");
      if (safely(() -> queue.deadLetter(job, "exhausted", retry.reason(), retry.httpStatus(), retry.invoiceNumber()))) {
        metrics.export("failed");
        metrics.deadLetter("exhausted");
      } else {
        warnTakenOver(job);
      }
    } else {
      metrics.retry();
      Duration delay = scheduled.get();
      if (retry.retryAfter() != null && retry.retryAfter().compareTo(delay) > 0) {
        delay = retry.retryAfter();
      }
      Duration wait = delay;
      LOG.info("order {} retry in {} ms", job.orderId(), wait.toMillis(), kv("order_id", job.orderId()),
          kv("invoice_number", retry.invoiceNumber()), kv("attempt", job.attempt()), kv("outcome", "retry"),
          kv("retry_in_ms", wait.toMillis()));
      decide("retry");
      if (safely(() -> queue.retryLater(job, wait, retry.reason(), retry.httpStatus(), retry.invoiceNumber(), false))) {
        wakeWhenDue(wait);
      }
    }
  }

  /**
   * A failure on our side (PostgreSQL or Redis refused or failed our own reads and writes: a view that cannot be
   * updated, a revoked privilege, a missing column, an unreachable database, or a bug). It spends no attempt of the
   * 1C schedule; it is counted in the job record and retried on INFRA_RETRY_DELAYS, and when those run out the job
   * goes to the DLQ as {@code infrastructure}, so a broken schema reaches a person instead of retrying forever.
   */
  private void ourSideFailed(ClaimedJob job, String reason, String invoiceNumber) {
    metrics.infraFailure();
    gate.suspect("order " + job.orderId() + " failed on our side");
    List<Duration> delays = config.infraRetryDelays();
    int failures = job.infraFailures(); // before this one
    if (failures >= delays.size()) {
      LOG.error("order {} to the DLQ after {} failures on our side (INFRA_RETRY_DELAYS ran out): {}", job.orderId(),
          failures + 1, reason, kv("order_id", job.orderId()), kv("invoice_number", invoiceNumber),
          kv("attempt", job.attempt()), kv("outcome", "dead_letter"), kv("reason", "infrastructure"));
      decide("dead_letter");
      if (safely(() -> queue.deadLetter(job, "infrastructure", reason, 0, invoiceNumber))) {
        metrics.export("failed");
        metrics.deadLetter("infrastructure");
      } else {
        warnTakenOver(job);
      }
      return;
    }
    Duration wait = delays.get(failures);
    LOG.warn("order {} waits {} ms for our own infrastructure (failure {} of {} allowed): {}", job.orderId(),
        wait.toMillis(), failures + 1, delays.size(), reason, kv("order_id", job.orderId()),
        kv("attempt", job.attempt()), kv("outcome", "retry"), kv("infra_failures", failures + 1));
    decide("waiting");
    if (safely(() -> queue.retryLater(job, wait, reason, 0, invoiceNumber, true, true))) {
      wakeWhenDue(wait);
    }
  }

  /** An idle dispatcher may be waiting up to a second on Redis: wake it when this retry falls due. */
  private void wakeWhenDue(Duration delay) {
    if (delay.compareTo(MAX_IDLE_WAIT.multipliedBy(2)) < 0) {
      java.util.concurrent.CompletableFuture<Void> current = nudge;
      try {
        timers.schedule(() -> current.complete(null), delay.toMillis() + 2, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        // shutting down
      }
    }
  }

  /**
   * A queue move that must not kill the job's thread; a failed move is recovered by the lease expiring, and this
   * worker checks its Redis before taking new jobs.
   */
  private boolean safely(java.util.function.BooleanSupplier move) {
    try {
      return move.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("queue move failed (the lease will bring the job back): {}", e.toString());
      gate.suspect(DependencyGate.Dependency.REDIS, "a queue move failed: " + e);
      return false;
    }
  }

  /** Stops claiming, lets in-flight exports finish within the grace period, hands back the rest. */
  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    LOG.info("worker {} stopping: {} job(s) in flight, grace {} s", config.workerId(), inFlight.size(),
        config.shutdownGrace().toSeconds());
    if (dispatcher != null) {
      dispatcher.interrupt();
      joinQuietly(dispatcher);
    }
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        for (ClaimedJob job : inFlight.values().stream().map(a -> a.job).toList()) {
          boolean released = safely(() -> queue.release(job));
          LOG.warn("handed back order {} unfinished (released={})", job.orderId(), released,
              kv("order_id", job.orderId()));
        }
        jobs.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    gate.close();
    acks.close();
    LOG.info("worker {} stopped", config.workerId());
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
