package org.onecexporter.worker;

import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.ClaimResult;
import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.onecexporter.export.FailurePolicy;
import org.onecexporter.export.JobHandler;
import org.onecexporter.logging.RootCause;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process's loop: claims jobs from the Redis queue as slots free up and hands each to the
 * {@link JobRunner} on a virtual thread. Beside it: the {@link LeaseKeeper} (leases renewed, stuck attempts given
 * up), the {@link FleetTasks} (reaper, reconciler, gauges) and the {@link DependencyGate} (no claims while this
 * worker's own PostgreSQL or Redis does not answer).
 *
 * <p>A job's life, written down once: {@code ready → active → (exported | delayed → ready … | dead)}. What happens
 * after each attempt is {@link FailurePolicy}'s decision. 1C's health is one fact for the whole fleet
 * ({@link FleetHealth}): once it is down, only one probe job at a time calls it and the others wait without spending
 * their attempts.
 *
 * <p>An {@link Error} (out of memory, a stack overflow) anywhere in the worker is fatal: it stops claiming and
 * renewing, moves no job, says so in one log line, and the process exits so that its supervisor restarts it; its
 * jobs' leases run out and the other workers take them.
 */
public final class Worker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  /** At most this many jobs are claimed in one script call. */
  private static final int CLAIM_BATCH = 32;
  /** The exit status of a process stopped by an {@link Error} (EX_SOFTWARE). */
  static final int FATAL_EXIT_STATUS = 70;

  private final WorkerConfig config;
  private final JobQueue queue;
  private final WorkerMetrics metrics;
  /** This worker's own PostgreSQL and Redis: while one does not answer, it takes no new jobs. */
  private final DependencyGate gate;
  private final FleetHealth health;
  private final LeaseKeeper leases;
  private final AckBatcher acks;
  private final JobRunner runner;
  private final FleetTasks fleetTasks;
  private final Consumer<Error> onFatal;
  private final Semaphore slots;
  private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform()
      .daemon().name("worker-timer-", 0).factory());
  /** Whether the worker claims jobs: from start until close or a fatal error. */
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean fatal = new AtomicBoolean();
  /** Completed when a retry this worker scheduled falls due, so the idle dispatcher claims it on time. */
  private volatile CompletableFuture<Void> nudge = new CompletableFuture<>();
  private Thread dispatcher;

  /**
   * A worker embedded in another program (benchmarks, tests), without a probe of its database: on an {@link Error}
   * it stops, and the program goes on. Redis is probed through {@code queue}.
   */
  public Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler) {
    this(config, queue, exporter, reconciler, new WorkerMetrics(), null, error -> {});
  }

  /**
   * @param reconciler null when this worker never reconciles (benchmarks)
   * @param database probes this worker's PostgreSQL (e.g. {@code SELECT 1} through its pool), or null when the
   *     worker has no probe for it; Redis is probed through {@code queue}
   * @param onFatal what follows once the worker met an {@link Error} and stopped: {@link #EXIT} in a worker process
   */
  public Worker(WorkerConfig config, JobQueue queue, JobHandler exporter, Reconciler reconciler,
      WorkerMetrics metrics, BooleanSupplier database, Consumer<Error> onFatal) {
    DependencyGate.Timings probeTimings = DependencyGate.Timings.DEFAULT;
    Map<DependencyGate.Dependency, BooleanSupplier> probes = new EnumMap<>(DependencyGate.Dependency.class);
    probes.put(DependencyGate.Dependency.REDIS, queue::ping);
    if (database != null) {
      probes.put(DependencyGate.Dependency.POSTGRESQL, database);
    }
    this.config = config;
    this.queue = queue;
    this.metrics = metrics;
    this.onFatal = onFatal;
    this.gate = new DependencyGate(config.workerId(), probes, probeTimings);
    metrics.sick(wire -> Arrays.stream(DependencyGate.Dependency.values())
        .anyMatch(d -> d.wire().equals(wire) && gate.sick(d)));
    this.slots = new Semaphore(config.concurrency());
    this.health = new FleetHealth(queue, config, metrics::circuitTransition);
    this.leases = new LeaseKeeper(config, queue, gate, metrics);
    this.acks = new AckBatcher(queue, config.lease(), config.workerId(), () -> running.get() && gate.open());
    FailurePolicy policy = new FailurePolicy(FailurePolicy.Config.queue(exporter.schedule(),
        config.infraRetryDelays(), config.circuitOpen()));
    this.runner = new JobRunner(queue, exporter, policy, health, leases, acks, gate, metrics, running::get,
        this::wakeWhenDue, this::fatal);
    this.fleetTasks = new FleetTasks(config, queue, reconciler, metrics, health, gate);
    metrics.circuit(health::state);
    metrics.inFlightJobs(leases::size);
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
    return leases.size();
  }

  /**
   * The readiness checks: this worker's own dependencies ({@code redis}, {@code postgresql}), false while one is
   * sick (answered from the last probe, at once: a frozen dependency does not freeze {@code /health/ready}); and
   * {@code onec}, false while 1C's last answer said an administrator must act (not configured, wrong credentials,
   * missing rights), which {@link #warnings()} then names.
   */
  public Map<String, BooleanSupplier> readiness() {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    for (DependencyGate.Dependency d : DependencyGate.Dependency.values()) {
      checks.put(d.wire(), () -> gate.ready(d));
    }
    checks.put("onec", () -> runner.oneCNeedsAdministrator() == null);
    return checks;
  }

  /** What an operator must fix, in words, for {@code /health/ready}: empty when nothing. */
  public List<String> warnings() {
    String oneC = runner.oneCNeedsAdministrator();
    return oneC == null ? List.of() : List.of("1C takes no invoices until an administrator acts; jobs wait, none goes"
        + " to the DLQ: " + oneC);
  }

  public Worker start() {
    if (closed.get() || !running.compareAndSet(false, true)) {
      return this;
    }
    gate.start();
    long renewMillis = config.renewInterval().toMillis();
    timers.scheduleWithFixedDelay(guarded(leases::renewAll), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    fleetTasks.schedule(timers, this::guarded);
    // Last: the first job may end the worker (a fatal error) at once.
    dispatcher = Thread.ofPlatform().name("worker-dispatcher").start(() -> guarded(this::dispatch).run());
    LOG.info("worker {} started: concurrency {}, 1C cap {} fleet-wide, lease {} s, queue {}", config.workerId(),
        config.concurrency(), config.maxOneCCalls(), config.lease().toSeconds(), config.keys().prefix(),
        kv("worker", config.workerId()));
    return this;
  }

  /** The task, with an {@link Error} it lets escape made fatal (a scheduled task would otherwise stop in silence). */
  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Error e) {
        fatal(e);
        throw e;
      }
    };
  }

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
      if (!gate.open() || !running.get()) {
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
        case ClaimResult.Jobs claimed when !gate.open() || !running.get() -> {
          // The gate closed while the claim was on the wire: these jobs go straight back for another worker.
          for (ClaimedJob job : claimed.jobs()) {
            gate.move(() -> queue.release(job));
          }
          slots.release(permitted);
        }
        case ClaimResult.Jobs claimed -> {
          for (ClaimedJob job : claimed.jobs()) {
            Slot slot = new Slot(slots);
            jobs.submit(() -> runner.run(job, slot));
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
        nudge = new CompletableFuture<>();
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

  /** An idle dispatcher may be waiting up to a second on Redis: wake it when this retry falls due. */
  private void wakeWhenDue(Duration delay) {
    if (delay.compareTo(MAX_IDLE_WAIT.multipliedBy(2)) < 0) {
      CompletableFuture<Void> current = nudge;
      try {
        timers.schedule(() -> current.complete(null), delay.toMillis() + 2, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        // shutting down
      }
    }
  }

  /**
   * An {@link Error} reached the worker: stop claiming and renewing leases at once, say so, and let the process
   * end. Nothing is handed back: after an Error the process's state is not to be trusted, and every job it held
   * comes back when its lease runs out (the reaper), to be exported by another worker.
   */
  private void fatal(Error e) {
    if (!fatal.compareAndSet(false, true)) {
      return;
    }
    running.set(false);
    timers.shutdownNow();
    if (dispatcher != null) {
      dispatcher.interrupt();
    }
    try {
      LOG.error("worker {} stops on a fatal error ({}): no more claims or queue moves, its {} job(s) in flight go to"
          + " other workers once their leases run out ({} s); the process exits for its supervisor to restart it",
          config.workerId(), e.toString(), leases.size(), config.lease().toSeconds(), kv("worker", config.workerId()),
          kv("outcome", "fatal"), e);
    } catch (Throwable logging) {
      // Out of memory may fail the log line too; exiting matters more.
    }
    onFatal.accept(e);
  }

  /**
   * A worker process's answer to a fatal error: it ends with {@link #FATAL_EXIT_STATUS} once the log lines are out,
   * without shutdown hooks (they would hand jobs back from a process that can no longer be trusted).
   */
  public static final Consumer<Error> EXIT = error -> {
    try {
      if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
        context.stop(); // flushes the appenders
      }
    } finally {
      Runtime.getRuntime().halt(FATAL_EXIT_STATUS);
    }
  };

  /** Stops claiming, lets in-flight exports finish within the grace period, hands back the rest. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running.set(false);
    LOG.info("worker {} stopping: {} job(s) in flight, grace {} s", config.workerId(), leases.size(),
        config.shutdownGrace().toSeconds());
    if (dispatcher != null) {
      dispatcher.interrupt();
      joinQuietly(dispatcher);
    }
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        if (!fatal.get()) {
          for (ClaimedJob job : leases.jobs()) {
            boolean released = gate.move(() -> queue.release(job));
            LOG.warn("handed back order {} unfinished (released={})", job.orderId(), released,
                kv("order_id", job.orderId()));
          }
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
