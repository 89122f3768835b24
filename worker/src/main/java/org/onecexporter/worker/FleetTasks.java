package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.onecexporter.logging.RootCause;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.Reaped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's periodic work, each run by one worker per interval (whichever takes the interval's lock): the reaper
 * (expired leases back in play) and the reconciler (paid orders without a job). Beside them, every worker refreshes
 * its gauges and its view of 1C's fleet-wide health.
 */
final class FleetTasks {
  private static final Logger LOG = LoggerFactory.getLogger(FleetTasks.class);
  private static final Duration GAUGES_EVERY = Duration.ofSeconds(5);

  private final WorkerConfig config;
  private final JobQueue queue;
  private final Reconciler reconciler;
  private final WorkerMetrics metrics;
  private final FleetHealth health;
  private final DependencyGate gate;

  /** @param reconciler null when this worker never reconciles (benchmarks) */
  FleetTasks(WorkerConfig config, JobQueue queue, Reconciler reconciler, WorkerMetrics metrics, FleetHealth health,
      DependencyGate gate) {
    this.gate = gate;
    this.config = config;
    this.queue = queue;
    this.reconciler = reconciler;
    this.metrics = metrics;
    this.health = health;
  }

  /** Schedules every task on {@code timers}; {@code guard} wraps each run (it handles what a task lets escape). */
  void schedule(ScheduledExecutorService timers, java.util.function.UnaryOperator<Runnable> guard) {
    long reapMillis = config.reapInterval().toMillis();
    timers.scheduleWithFixedDelay(guard.apply(() -> periodic("reaper", config.reapInterval(), this::reap)),
        reapMillis, reapMillis, TimeUnit.MILLISECONDS);
    if (reconciler != null) {
      long reconcileMillis = config.reconcileInterval().toMillis();
      timers.scheduleWithFixedDelay(
          guard.apply(() -> periodic("reconciler", config.reconcileInterval(), reconciler::run)),
          Math.min(reconcileMillis, 5_000), reconcileMillis, TimeUnit.MILLISECONDS);
    }
    timers.scheduleWithFixedDelay(guard.apply(this::refreshGauges), 0, GAUGES_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Says which jobs came back (the ids in the message too: a search for one order finds the line) and one line per
   * job that went to the DLQ as {@code stalled}, counted like every other dead letter.
   */
  private void reap() {
    Reaped reaped = queue.reapJobs(config.maxStalls());
    if (!reaped.back().isEmpty()) {
      LOG.warn("reaper: {} job(s) whose lease ran out are back in play: {}", reaped.back().size(),
          named(reaped.back()), kv("reaped", reaped.back().size()));
    }
    for (String id : reaped.dead()) {
      LOG.warn("reaper: order {} to the DLQ (stalled): its lease ran out {} times in a row (WORKER_MAX_STALLS), its"
          + " workers killed or stuck on it", LogSafe.id(id), config.maxStalls(), JobRunner.jobFields(id),
          kv("outcome", "dead_letter"), kv("reason", "stalled"));
      metrics.deadLetter("stalled");
    }
  }

  /** "order 12, order 15, …": each id as the workers' other lines name it, the first 20. */
  private static String named(java.util.List<String> ids) {
    String named = ids.stream().limit(20).map(id -> "order " + LogSafe.id(id))
        .collect(java.util.stream.Collectors.joining(", "));
    return ids.size() > 20 ? named + " and " + (ids.size() - 20) + " more" : named;
  }

  private void refreshGauges() {
    try {
      metrics.refresh(queue);
      health.refresh();
    } catch (RuntimeException e) {
      LOG.debug("queue gauges not refreshed", e);
    }
  }

  /** A fleet-wide periodic task: the first worker to take the interval's lock runs it. Throws no exception. */
  private void periodic(String name, Duration interval, Runnable task) {
    try {
      if (queue.fleetLock().tryLock(name, interval, config.workerId())) {
        task.run();
      }
    } catch (RuntimeException e) {
      if (Worker.redisFailure(e)) {
        // Said once by the gate when the outage starts and once when it ends, not on every tick in between.
        LOG.debug("{} failed on Redis, next try in {} ms: {}", name, interval.toMillis(), e.toString());
        gate.suspect(DependencyGate.Dependency.REDIS, name + " failed: " + RootCause.oneLine(e));
      } else if (databaseUnreachable(e)) {
        // The same for the shop's database: the gate says when it is lost and when it answers again.
        LOG.debug("{} failed on the database, next try in {} ms: {}", name, interval.toMillis(), e.toString());
        gate.suspect(DependencyGate.Dependency.POSTGRESQL, name + " failed: " + RootCause.oneLine(e));
      } else {
        LOG.warn("{} failed, next try in {} ms: {}", name, interval.toMillis(), RootCause.oneLine(e));
      }
    }
  }

  /**
   * The database cannot be reached (SQLSTATE class 08, connection; 3D000, no such database; a pool that timed out
   * waiting for a connection) — not a failing statement, which stays a warning.
   */
  static boolean databaseUnreachable(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof org.onecexporter.db.DatabaseUnavailableException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("3D000"))) {
        return true;
      }
    }
    return false;
  }
}
