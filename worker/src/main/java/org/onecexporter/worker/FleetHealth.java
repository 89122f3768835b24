package org.onecexporter.worker;

import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.fleet.OneCGate;
import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import org.onecexporter.export.FailurePolicy;
import java.util.function.Consumer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.fleet.OneCGate.Health;
import org.onecexporter.queue.fleet.OneCGate.HealthReport;
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

  CircuitState state() {
    return state;
  }

  /**
   * Records what an attempt told of 1C (the one place where the policy's words become the script's); answers what
   * the fleet's record says now. Nothing to record, or a Redis failure: {@link FailurePolicy.Fleet#NONE} ("count
   * the attempt": the schedule still bounds it).
   */
  FailurePolicy.Fleet report(FailurePolicy.OneCReport report, ClaimedJob job) {
    HealthReport wire = switch (report) {
      case UP -> HealthReport.UP;
      case FAILED -> HealthReport.FAIL;
      case DOWN -> HealthReport.DOWN;
      case NOT_CALLED -> job.probe() ? HealthReport.RELEASE : null; // another job may probe at once
      case NONE -> null;
    };
    if (wire == null) {
      return FailurePolicy.Fleet.NONE;
    }
    try {
      Health health = queue.oneC().report(wire, job, threshold, open, maxOpen);
      if (wire != HealthReport.RELEASE) {
        view(health.down() ? CircuitState.OPEN : CircuitState.CLOSED);
      }
      return new FailurePolicy.Fleet(health.down(), health.refund(), health.untilProbe());
    } catch (RuntimeException e) {
      LOG.warn("could not record 1C's health in Redis: {}", e.toString());
      return FailurePolicy.Fleet.NONE;
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
