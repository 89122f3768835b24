package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this worker's own dependencies (its PostgreSQL pool, its Redis connection) answer, and so whether it may
 * take new jobs. A worker whose database froze must not keep claiming jobs only to abandon them: it steps aside,
 * and the healthy workers of the fleet take its work.
 *
 * <p>Each dependency is {@code HEALTHY}, {@code CHECKING} (a failure was seen: no new jobs until the probe answers)
 * or {@code SICK} (the probe did not answer within its timeout, or failed). The gate is open only when all are
 * healthy. A probe (e.g. {@code SELECT 1}) runs on its own thread, bounded by a timeout whatever the driver does; a
 * probe still hanging is not started twice. Probes run every {@code sickInterval} while a dependency is not
 * healthy and every {@code healthyInterval} otherwise, so a dependency that fails while no job runs is noticed too.
 * Every change to or from {@code SICK} is logged once (ERROR when it starts, WARN when it ends) and shows in the
 * gauge {@code onec_worker_sick{dependency}} and in {@code /health/ready}.
 */
final class DependencyGate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DependencyGate.class);

  /** What a worker depends on besides 1C (1C's health is the fleet's, see {@link FleetHealth}). */
  enum Dependency {
    POSTGRESQL, REDIS;

    /** The name in metrics labels and /health/ready ("postgresql" stays for dashboards, whatever the server). */
    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The name in log lines: the shop database is "database", PostgreSQL or MariaDB/MySQL alike. */
    String said() {
      return this == POSTGRESQL ? "database" : wire();
    }
  }

  private enum State { HEALTHY, CHECKING, SICK }

  /**
   * Timings of the probes; {@link #DEFAULT}: 3 s timeout, every 2 s while not healthy, every 5 s otherwise; a
   * dependency that never answered yet gets {@code firstTimeout} (10 s: a cold JVM loads the driver and opens the
   * pool's first connection, several processes starting at once on a small host take seconds for it).
   */
  record Timings(Duration probeTimeout, Duration sickInterval, Duration healthyInterval, Duration firstTimeout) {
    static final Timings DEFAULT = new Timings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  private final String workerId;
  private final Map<Dependency, BooleanSupplier> probes;
  private final Timings timings;
  private final Map<Dependency, State> states = new EnumMap<>(Dependency.class);
  private final Map<Dependency, String> why = new EnumMap<>(Dependency.class);
  private final Map<Dependency, Long> sickSince = new EnumMap<>(Dependency.class);
  private final Map<Dependency, Long> lastProbe = new EnumMap<>(Dependency.class);
  private final Map<Dependency, CompletableFuture<Boolean>> running = new EnumMap<>(Dependency.class);
  /** Dependencies that answered a probe at least once (the prober thread's own). */
  private final java.util.Set<Dependency> answeredOnce = java.util.EnumSet.noneOf(Dependency.class);
  /** The same, for other threads (guarded by {@code lock}). */
  private final java.util.Set<Dependency> everAnswered = java.util.EnumSet.noneOf(Dependency.class);
  private final ExecutorService probeThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Object lock = new Object();
  private volatile boolean closed;
  private Thread prober;

  /** {@code probes}: the dependencies this worker checks; one without a probe is always healthy. */
  DependencyGate(String workerId, Map<Dependency, BooleanSupplier> probes, Timings timings) {
    this.workerId = workerId;
    this.probes = Map.copyOf(probes);
    this.timings = timings;
    for (Dependency d : Dependency.values()) {
      // A dependency with a probe is checked before the first claim: a worker started without its database
      // takes nothing.
      states.put(d, probes.containsKey(d) ? State.CHECKING : State.HEALTHY);
      lastProbe.put(d, 0L);
    }
  }

  DependencyGate start() {
    prober = Thread.ofPlatform().daemon().name("worker-dependency-probe").start(this::probeLoop);
    return this;
  }

  /** Whether the worker may take new jobs: every dependency answered its last probe. */
  boolean open() {
    synchronized (lock) {
      return states.values().stream().allMatch(s -> s == State.HEALTHY);
    }
  }

  /** Whether {@code dependency}'s probe failed (readiness, the gauge); a dependency being checked is not sick yet. */
  boolean sick(Dependency dependency) {
    synchronized (lock) {
      return states.get(dependency) == State.SICK;
    }
  }

  /**
   * Whether {@code dependency} counts as ready ({@code /health/ready}): it answered a probe since the worker
   * started and is not sick. A worker whose database never answered is not ready, even before its first probe
   * gave up; one that answered is not made unready by a single failure being checked.
   */
  boolean ready(Dependency dependency) {
    synchronized (lock) {
      return states.get(dependency) != State.SICK
          && (!probes.containsKey(dependency) || everAnswered.contains(dependency));
    }
  }

  /** Blocks until the gate is open (or the gate closes); true when open. */
  boolean awaitOpen() throws InterruptedException {
    synchronized (lock) {
      while (!closed && !states.values().stream().allMatch(s -> s == State.HEALTHY)) {
        lock.wait(1_000);
      }
      return !closed;
    }
  }

  /**
   * Something failed that may be this worker's own dependency (an attempt past JOB_TIMEOUT_SECONDS, a failure on
   * our side, a Redis call): the gate closes at once, before the caller hands anything back, and each dependency
   * is probed now. A dependency that answers opens it again; one that does not makes the worker sick.
   */
  void suspect(String reason) {
    for (Dependency d : probes.keySet()) {
      suspect(d, reason);
    }
  }

  void suspect(Dependency dependency, String reason) {
    if (!probes.containsKey(dependency) || closed) {
      return;
    }
    synchronized (lock) {
      if (states.get(dependency) == State.HEALTHY) {
        states.put(dependency, State.CHECKING);
        why.put(dependency, reason);
        LOG.info("worker {}: checking {} before taking new jobs ({})", workerId, dependency.said(), reason,
            kv("worker", workerId), kv("dependency", dependency.wire()));
      }
      lastProbe.put(dependency, 0L); // probe at once
      lock.notifyAll();
    }
  }

  /**
   * A queue move that must not kill the job's thread: a failed move is recovered by the lease running out, and this
   * worker checks its Redis before taking new jobs. Answers whether the move happened.
   */
  boolean move(BooleanSupplier move) {
    try {
      return move.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("queue move failed (the lease will bring the job back): {}", e.toString());
      suspect(Dependency.REDIS, "a queue move failed: " + e);
      return false;
    }
  }

  private void probeLoop() {
    while (!closed) {
      // The due probes run side by side: one dependency that hangs does not delay the verdict on another.
      long started = System.nanoTime();
      java.util.List<Dependency> due = probes.keySet().stream().filter(this::due).toList();
      due.forEach(this::startProbe);
      for (Dependency d : due) {
        Duration timeout = answeredOnce.contains(d) ? timings.probeTimeout() : timings.firstTimeout();
        boolean ok = awaitProbe(d, started + timeout.toNanos(), timeout);
        if (ok) {
          answeredOnce.add(d);
        }
        synchronized (lock) {
          lastProbe.put(d, System.nanoTime());
        }
        record(d, ok);
      }
      synchronized (lock) {
        if (closed) {
          return;
        }
        try {
          lock.wait(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private boolean due(Dependency d) {
    synchronized (lock) {
      long last = lastProbe.get(d);
      if (last == 0L) {
        return true;
      }
      Duration every = states.get(d) == State.HEALTHY ? timings.healthyInterval() : timings.sickInterval();
      return System.nanoTime() - last >= every.toNanos();
    }
  }

  /** Starts a probe; one still running from before is waited for, not started twice. */
  private void startProbe(Dependency d) {
    if (!running.containsKey(d)) {
      BooleanSupplier probe = probes.get(d);
      running.put(d, CompletableFuture.supplyAsync(probe::getAsBoolean, probeThreads));
    }
  }

  /** The probe's answer, or false when none came by {@code deadline} (it goes on, and is waited for next time). */
  private boolean awaitProbe(Dependency d, long deadline, Duration timeout) {
    CompletableFuture<Boolean> call = running.get(d);
    try {
      boolean ok = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      running.remove(d);
      if (!ok) {
        synchronized (lock) {
          why.put(d, "the probe answered no");
        }
      }
      return ok;
    } catch (TimeoutException e) {
      synchronized (lock) {
        why.put(d, "no answer within " + timeout.toMillis() + " ms");
      }
      return false;
    } catch (ExecutionException e) {
      running.remove(d);
      synchronized (lock) {
        // A database without the order tables answers: its own message says which table and what to do.
        why.put(d, e.getCause() instanceof org.onecexporter.db.MissingTablesException missing ? missing.getMessage()
            : org.onecexporter.logging.RootCause.oneLine(e.getCause()));
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void record(Dependency d, boolean ok) {
    synchronized (lock) {
      State before = states.get(d);
      if (ok) {
        everAnswered.add(d);
        states.put(d, State.HEALTHY);
        boolean open = states.values().stream().allMatch(x -> x == State.HEALTHY);
        if (before == State.SICK) {
          long seconds = (System.nanoTime() - sickSince.remove(d)) / 1_000_000_000L;
          LOG.warn("worker {}: {} answers again after {} s; {}", workerId, d.said(), seconds,
              open ? "taking new jobs again" : "still no new jobs: " + states, kv("worker", workerId),
              kv("dependency", d.wire()), kv("worker_sick", false));
        } else if (before == State.CHECKING && why.get(d) != null) {
          LOG.info("worker {}: {} answers{}", workerId, d.said(), open ? "; taking new jobs" : "",
              kv("worker", workerId), kv("dependency", d.wire()));
        }
        why.remove(d);
        lock.notifyAll();
      } else if (before != State.SICK) {
        states.put(d, State.SICK);
        sickSince.put(d, System.nanoTime());
        LOG.error("worker {} is sick: its {} {} ({}); it takes no new jobs, hands back what it gives up,"
            + " and checks again every {} s", workerId, d.said(),
            String.valueOf(why.get(d)).startsWith("the order tables") ? "is not usable" : "does not answer", why.get(d),
            timings.sickInterval().toSeconds(),
            kv("worker", workerId), kv("dependency", d.wire()), kv("worker_sick", true));
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    if (prober != null) {
      prober.interrupt();
    }
    probeThreads.shutdownNow();
  }
}
