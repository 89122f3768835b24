package org.onecexporter.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import org.onecexporter.config.Env;
import org.onecexporter.queue.model.QueueKeys;

/**
 * How a worker process runs. Built from the environment in one place; every bad value names its variable.
 *
 * @param concurrency jobs this process works on at once (virtual threads)
 * @param maxOneCCalls calls to 1C in flight across the whole fleet (each is a 1C session and licence)
 * @param lease how long a claimed job stays ours without renewal; renewed every third of it
 * @param maxStalls lease expiries (killed or stuck worker) before the job goes to the DLQ
 * @param circuitFailures consecutive transient 1C failures that open the circuit
 * @param circuitOpen how long claiming pauses once 1C looks down, before one probe call
 * @param jobTimeout past it a worker stops renewing a job's lease and abandons the attempt (interrupts it); the
 *     job is reaped and exported by another worker
 * @param infraRetryDelays waits after failures on our side (PostgreSQL, Redis: a view that cannot be updated, a
 *     revoked privilege, an unreachable database), counted per job; when they run out, the job goes to the DLQ as
 *     {@code infrastructure} ({@code INFRA_RETRY_DELAYS}, the syntax of {@code ONEC_RETRY_DELAYS})
 */
public record WorkerConfig(
    String workerId,
    QueueKeys keys,
    int concurrency,
    int maxOneCCalls,
    Duration lease,
    int maxStalls,
    int circuitFailures,
    Duration circuitOpen,
    Duration reconcileInterval,
    Duration reconcileMinAge,
    Duration shutdownGrace,
    Duration jobTimeout,
    java.util.List<Duration> infraRetryDelays) {

  /**
   * A killed worker's job is back within the lease plus the reaper interval (a tenth of it): about 11 s. Renewal
   * is one script call per worker every third of the lease, whatever the number of jobs (docs/performance.md).
   */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
  /** Margin of the default job timeout over the 1C call timeout: waiting for a permit (at most 30 s) and the database. */
  public static final Duration JOB_TIMEOUT_MARGIN = Duration.ofSeconds(45);
  public static final java.util.List<Duration> DEFAULT_INFRA_RETRY_DELAYS = java.util.List.of(Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1));

  /** With the default job timeout (the default 1C timeout + the margin) and infrastructure retry delays. */
  public WorkerConfig(String workerId, QueueKeys keys, int concurrency, int maxOneCCalls, Duration lease,
      int maxStalls, int circuitFailures, Duration circuitOpen, Duration reconcileInterval,
      Duration reconcileMinAge, Duration shutdownGrace) {
    this(workerId, keys, concurrency, maxOneCCalls, lease, maxStalls, circuitFailures, circuitOpen,
        reconcileInterval, reconcileMinAge, shutdownGrace, Duration.ofSeconds(60).plus(JOB_TIMEOUT_MARGIN),
        DEFAULT_INFRA_RETRY_DELAYS);
  }

  public WorkerConfig withJobTimeout(Duration timeout) {
    return new WorkerConfig(workerId, keys, concurrency, maxOneCCalls, lease, maxStalls, circuitFailures,
        circuitOpen, reconcileInterval, reconcileMinAge, shutdownGrace, timeout, infraRetryDelays);
  }

  public WorkerConfig withInfraRetryDelays(java.util.List<Duration> delays) {
    return new WorkerConfig(workerId, keys, concurrency, maxOneCCalls, lease, maxStalls, circuitFailures,
        circuitOpen, reconcileInterval, reconcileMinAge, shutdownGrace, jobTimeout, delays);
  }

  public static WorkerConfig fromEnv(Env env) {
    Duration oneCTimeout = env.seconds("ONEC_TIMEOUT_SECONDS", Duration.ofSeconds(60), false);
    return new WorkerConfig(
        env.string("WORKER_ID", defaultWorkerId()),
        new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX)),
        env.integer("WORKER_CONCURRENCY", 8, 1, 10_000),
        env.integer("ONEC_MAX_CONCURRENCY", 4, 1, 1_000),
        env.seconds("LEASE_SECONDS", DEFAULT_LEASE, false),
        env.integer("WORKER_MAX_STALLS", 3, 1, 100),
        env.integer("CIRCUIT_FAILURE_THRESHOLD", 5, 1, 1_000),
        env.seconds("CIRCUIT_OPEN_SECONDS", Duration.ofSeconds(30), false),
        env.seconds("RECONCILE_INTERVAL_SECONDS", Duration.ofSeconds(60), false),
        env.seconds("RECONCILE_MIN_AGE_SECONDS", Duration.ofSeconds(120), true),
        env.seconds("WORKER_SHUTDOWN_GRACE_SECONDS", Duration.ofSeconds(30), true),
        env.seconds("JOB_TIMEOUT_SECONDS", oneCTimeout.plus(JOB_TIMEOUT_MARGIN), false),
        env.secondsList("INFRA_RETRY_DELAYS", DEFAULT_INFRA_RETRY_DELAYS));
  }

  /** The reaper runs this often (fleet-wide, one worker per interval): a killed worker's job is back soon after its lease. */
  public Duration reapInterval() {
    Duration tenth = lease.dividedBy(10);
    return tenth.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : tenth;
  }

  public Duration renewInterval() {
    return lease.dividedBy(3);
  }

  private static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
