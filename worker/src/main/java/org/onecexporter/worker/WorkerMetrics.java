package org.onecexporter.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.onecexporter.export.ExportObserver;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.admin.QueueStats;

/**
 * A worker's Prometheus metrics. Per process: Prometheus sums them across the fleet; the queue gauges are
 * fleet-wide already (read from Redis), so use max() on them, not sum().
 */
public final class WorkerMetrics implements ExportObserver {
  /** How a call to 1C ended, as {@code OneCExporter} names it. */
  private static final String[] CALL_OUTCOMES =
      {"exported", "exported_existing", "transient_failure", "permanent_failure", "not_configured"};
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer callDuration;
  private final Timer endToEnd;
  private final Counter retries;
  private final Counter notConfigured;
  private final Counter abandoned;
  private final Counter infraFailures;
  private final Map<String, Counter> exports = new ConcurrentHashMap<>();
  private final Map<String, Counter> calls = new ConcurrentHashMap<>();
  private final Map<String, Counter> dlqMoves = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> queueSizes = new ConcurrentHashMap<>();
  private final AtomicLong oldestWaitingMillis = new AtomicLong();
  private final AtomicInteger callsInFlight = new AtomicInteger();
  private final AtomicInteger evictionUnsafe = new AtomicInteger();
  private volatile Supplier<CircuitState> circuitState = () -> CircuitState.CLOSED;

  private volatile java.util.function.Predicate<String> sick = dependency -> false;

  /**
   * What {@code onec_worker_sick{dependency}} reads: whether this worker's own dependency (postgresql, redis) did
   * not answer its probe, so that it takes no new jobs until it does (alert {@code OnecWorkerSick}).
   */
  void sick(java.util.function.Predicate<String> sickDependency) {
    this.sick = sickDependency;
  }

  public WorkerMetrics() {
    callDuration = Timer.builder("onec_call_duration")
        .description("Duration of one HTTP call to the 1C invoices service")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(120))
        .register(registry);
    endToEnd = Timer.builder("onec_export_end_to_end")
        .description("From the order's paid_at to the invoice recorded as exported")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(24))
        .register(registry);
    retries = Counter.builder("onec_retries").description("Transient failures scheduled for a retry")
        .register(registry);
    notConfigured = Counter.builder("onec_not_configured")
        .description("1C answered that its extension is not configured (the job waits, no attempt spent)")
        .register(registry);
    abandoned = Counter.builder("onec_jobs_abandoned").description("Attempts abandoned after JOB_TIMEOUT_SECONDS "
        + "(frozen database or network): the job went to another worker").register(registry);
    infraFailures = Counter.builder("onec_infra_failures").description("Attempts that failed on our side "
        + "(PostgreSQL, Redis): retried on INFRA_RETRY_DELAYS, then the DLQ as 'infrastructure'").register(registry);
    // Registered at start so that increase() sees the first move of these reasons (alerts).
    for (String reason : new String[] {"infrastructure"}) {
      deadLetterCounter(reason);
    }
    // Every end of a job, exports' and cancellations' (issue 24: cancelled, already_cancelled, not_created).
    for (String outcome : java.util.Arrays.stream(org.onecexporter.export.ExportStatus.values())
        .map(org.onecexporter.export.ExportStatus::wire).toList()) {
      exports.put(outcome, Counter.builder("onec_exports").tag("outcome", outcome)
          .description("Jobs finished, by outcome").register(registry));
    }
    // Every call that reached the wire, by how it ended (a timeout or a refused connection is a transient_failure):
    // registered at start, so a scraper tells "no call" (0) from "not counted here" (absent).
    for (String outcome : CALL_OUTCOMES) {
      calls.put(outcome, Counter.builder("onec_calls").tag("outcome", outcome)
          .description("HTTP calls to 1C, by outcome").register(registry));
    }
    for (String queue : new String[] {"ready", "delayed", "active", "dlq"}) {
      AtomicLong size = new AtomicLong();
      queueSizes.put(queue, size);
      Gauge.builder("onec_queue_jobs", size, AtomicLong::get).tag("queue", queue)
          .description("Jobs in each part of the queue (fleet-wide, read from Redis)").register(registry);
    }
    Gauge.builder("onec_queue_oldest_waiting_seconds", oldestWaitingMillis, v -> v.get() / 1000.0)
        .description("Age of the oldest job waiting (ready or delayed), fleet-wide").register(registry);
    for (String dependency : new String[] {"postgresql", "redis"}) {
      Gauge.builder("onec_worker_sick", this, m -> m.sick.test(dependency) ? 1 : 0).tag("dependency", dependency)
          .description("1 while this worker's own dependency does not answer its probe: it takes no new jobs")
          .register(registry);
    }
    Gauge.builder("onec_redis_eviction_unsafe", evictionUnsafe, AtomicInteger::get)
        .description("1 when Redis' maxmemory-policy is not noeviction (it may evict the queue's keys), read at start")
        .register(registry);
    Gauge.builder("onec_calls_in_flight", callsInFlight, AtomicInteger::get)
        .description("Calls to 1C in progress in this process").register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public AtomicInteger callsInFlight() {
    return callsInFlight;
  }

  @Override
  public void callFinished(Duration duration, String outcome) {
    callDuration.record(duration);
    calls.computeIfAbsent(outcome, o -> Counter.builder("onec_calls").tag("outcome", o)
        .description("HTTP calls to 1C, by outcome").register(registry)).increment();
  }

  @Override
  public void exported(Instant paidAt, Instant exportedAt) {
    if (paidAt != null && !exportedAt.isBefore(paidAt)) {
      endToEnd.record(Duration.between(paidAt, exportedAt));
    }
  }

  void export(String outcome) {
    exports.get(outcome).increment();
  }

  void retry() {
    retries.increment();
  }

  void abandoned() {
    abandoned.increment();
  }

  void infraFailure() {
    infraFailures.increment();
  }

  void evictionUnsafe(boolean unsafe) {
    evictionUnsafe.set(unsafe ? 1 : 0);
  }

  void notConfigured() {
    notConfigured.increment();
  }

  void deadLetter(String reason) {
    deadLetterCounter(reason).increment();
  }

  private Counter deadLetterCounter(String reason) {
    return dlqMoves.computeIfAbsent(reason, r -> Counter.builder("onec_dlq_moves").tag("reason", r)
        .description("Jobs moved to the dead-letter queue, by reason").register(registry));
  }

  /** 1C's fleet-wide health as this worker last read it (the same on every worker: use max()). */
  void circuit(Supplier<CircuitState> state) {
    this.circuitState = state; // held strongly: gauges keep only weak references
    for (CircuitState each : new CircuitState[] {
        CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN}) {
      Gauge.builder("onec_circuit_state", this, m -> m.circuitState.get() == each ? 1 : 0)
          .tag("state", each.name().toLowerCase(Locale.ROOT))
          .description("1 for 1C's fleet-wide health: closed (up), open (down: only probes call it), half_open "
              + "(a probe is calling)")
          .register(registry);
    }
  }

  void circuitTransition(CircuitState to) {
    Counter.builder("onec_circuit_transitions").tag("to", to.name().toLowerCase(Locale.ROOT))
        .description("Changes of 1C's fleet-wide health as this worker saw them").register(registry).increment();
  }

  void inFlightJobs(Supplier<Number> count) {
    // A strong reference: Micrometer holds a gauge's object weakly, and the caller's method reference has no other
    // holder; collected, the gauge read NaN.
    Gauge.builder("onec_jobs_in_flight", count, s -> s.get().doubleValue()).strongReference(true)
        .description("Jobs this process is working on").register(registry);
  }

  /** Refreshes the fleet-wide queue gauges from Redis. */
  void refresh(JobQueue queue) {
    QueueStats.Stats stats = queue.stats();
    queueSizes.get("ready").set(stats.ready());
    queueSizes.get("delayed").set(stats.delayed());
    queueSizes.get("active").set(stats.active());
    queueSizes.get("dlq").set(stats.dlq());
    oldestWaitingMillis.set(stats.oldestWaiting().map(Duration::toMillis).orElse(0L));
  }
}
