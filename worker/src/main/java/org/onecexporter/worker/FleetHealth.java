package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.function.Consumer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.fleet.OneCGate.Health;
import org.onecexporter.queue.fleet.OneCGate.HealthReport;
import org.onecexporter.queue.model.ClaimedJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 1C's health as the whole fleet sees it, kept in Redis ({@code P:onec_health}, see {@code onec_health.lua}):
 * {@code CIRCUIT_FAILURE_THRESHOLD} consecutive transient failures across all workers (or one 403 «сеансы
 * запрещены») mark 1C down; then claims lease only one job, the probe, once per {@code CIRCUIT_OPEN_SECONDS}
 * (doubling up to four times that while probes keep failing), permits refuse every other call, and no job spends
 * an attempt. The first answer from 1C marks it up and wakes the idle workers; the fleet-wide permit cap keeps the
 * restart from stampeding.
 *
 * <p>This class reports outcomes and keeps this process's view of the state for the metrics (refreshed from Redis
 * with the queue gauges), so {@code onec_circuit_state} is the same on every worker.
 */
final class FleetHealth {
  private static final Logger LOG = LoggerFactory.getLogger(FleetHealth.class);
  /** The job this thread is exporting, so the permit gate can tell the fleet's probe from any other call. */
  private static final ThreadLocal<ClaimedJob> CURRENT = new ThreadLocal<>();

  private final JobQueue queue;
  private final int threshold;
  private final Duration open;
  private final Duration maxOpen;
  private final String workerId;
  private final Consumer<CircuitState> onTransition;
  private volatile CircuitState state = CircuitState.CLOSED;

  FleetHealth(JobQueue queue, WorkerConfig config, Consumer<CircuitState> onTransition) {
    this.queue = queue;
    this.threshold = config.circuitFailures();
    this.open = config.circuitOpen();
    this.maxOpen = config.circuitOpen().multipliedBy(4);
    this.workerId = config.workerId();
    this.onTransition = onTransition;
  }

  static void exporting(ClaimedJob job) {
    CURRENT.set(job);
  }

  static void done() {
    CURRENT.remove();
  }

  /** The lease token of the job this thread exports when it is the fleet's probe, else null. */
  static String probeToken() {
    ClaimedJob job = CURRENT.get();
    return job != null && job.probe() ? job.token() : null;
  }

  CircuitState state() {
    return state;
  }

  /** Records how a call went; on a Redis failure, answers "up, count the attempt" (the schedule still bounds it). */
  Health report(HealthReport report, ClaimedJob job) {
    try {
      Health health = queue.oneC().report(report, job, threshold, open, maxOpen);
      if (report != HealthReport.RELEASE) {
        view(health.down() ? CircuitState.OPEN : CircuitState.CLOSED);
      }
      return health;
    } catch (RuntimeException e) {
      LOG.warn("could not record 1C's health in Redis: {}", e.toString());
      return new Health(false, false, Duration.ZERO);
    }
  }

  /** Reads the fleet's state for the metrics: closed (up), open (down), half_open (down, a probe is calling). */
  void refresh() {
    OneCGate.State h = queue.oneC().state();
    view(!h.down() ? CircuitState.CLOSED : h.probing() ? CircuitState.HALF_OPEN : CircuitState.OPEN);
  }

  private void view(CircuitState to) {
    CircuitState from = state;
    if (from == to) {
      return;
    }
    state = to;
    String message = switch (to) {
      case OPEN -> "1C is down for the fleet: only one probe call per " + open.toSeconds() + "+ s, jobs wait without"
          + " spending attempts";
      case HALF_OPEN -> "1C is down for the fleet: a probe is calling it";
      case CLOSED -> "1C answers again: the fleet resumed";
      default -> "1C health " + to;
    };
    LOG.warn(message, kv("circuit_state", to.name()), kv("worker", workerId));
    onTransition.accept(to);
  }
}
