package org.onecexporter.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.onecexporter.config.Env;
import org.onecexporter.queue.model.QueueKeys;

/**
 * How a worker process runs. Built from the environment in one place ({@link #fromEnv}); every bad value names its
 * variable. Code and tests build it by name ({@link #builder}), every value not given keeping its default.
 *
 * @param concurrency jobs this process works on at once (virtual threads)
 * @param maxOneCCalls calls to 1C in flight across the whole fleet (each is a 1C session and licence)
 * @param lease how long a claimed job stays ours without renewal; renewed every third of it
 * @param maxStalls lease expiries (killed or stuck worker) before the job goes to the DLQ
 * @param circuitFailures consecutive transient 1C failures across the fleet that mark 1C down
 * @param circuitOpen how long jobs wait once 1C is down, before one probe call
 * @param jobTimeout past it a worker stops renewing a job's lease and abandons the attempt (interrupts it); the
 *     job is handed to another worker
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
    List<Duration> infraRetryDelays) {

  /**
   * A killed worker's job is back within the lease plus the reaper interval (a tenth of it): about 11 s. Renewal
   * is one script call per worker every third of the lease, whatever the number of jobs (docs/performance.md).
   */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
  /** Margin of the default job timeout over the 1C call timeout: waiting for a permit (at most 30 s) and the database. */
  public static final Duration JOB_TIMEOUT_MARGIN = Duration.ofSeconds(45);
  private static final Duration DEFAULT_ONEC_TIMEOUT = Duration.ofSeconds(60);
  public static final List<Duration> DEFAULT_INFRA_RETRY_DELAYS = List.of(Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1));

  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(keys, "keys");
    infraRetryDelays = List.copyOf(infraRetryDelays);
  }

  /** Every value at its default (the defaults of the environment variables), to be changed by name. */
  public static Builder builder(String workerId, QueueKeys keys) {
    return new Builder(workerId, keys);
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder(workerId, keys).concurrency(concurrency).maxOneCCalls(maxOneCCalls).lease(lease)
        .maxStalls(maxStalls).circuitFailures(circuitFailures).circuitOpen(circuitOpen)
        .reconcileInterval(reconcileInterval).reconcileMinAge(reconcileMinAge).shutdownGrace(shutdownGrace)
        .jobTimeout(jobTimeout).infraRetryDelays(infraRetryDelays);
  }

  public static WorkerConfig fromEnv(Env env) {
    Builder d = builder(env.string("WORKER_ID", defaultWorkerId()),
        new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX)));
    Duration oneCTimeout = env.seconds("ONEC_TIMEOUT_SECONDS", DEFAULT_ONEC_TIMEOUT, false);
    return d
        .concurrency(env.integer("WORKER_CONCURRENCY", d.concurrency, 1, 10_000))
        .maxOneCCalls(env.integer("ONEC_MAX_CONCURRENCY", d.maxOneCCalls, 1, 1_000))
        .lease(env.seconds("LEASE_SECONDS", d.lease, false))
        .maxStalls(env.integer("WORKER_MAX_STALLS", d.maxStalls, 1, 100))
        .circuitFailures(env.integer("CIRCUIT_FAILURE_THRESHOLD", d.circuitFailures, 1, 1_000))
        .circuitOpen(env.seconds("CIRCUIT_OPEN_SECONDS", d.circuitOpen, false))
        .reconcileInterval(env.seconds("RECONCILE_INTERVAL_SECONDS", d.reconcileInterval, false))
        .reconcileMinAge(env.seconds("RECONCILE_MIN_AGE_SECONDS", d.reconcileMinAge, true))
        .shutdownGrace(env.seconds("WORKER_SHUTDOWN_GRACE_SECONDS", d.shutdownGrace, true))
        .jobTimeout(env.seconds("JOB_TIMEOUT_SECONDS", oneCTimeout.plus(JOB_TIMEOUT_MARGIN), false))
        .infraRetryDelays(env.secondsList("INFRA_RETRY_DELAYS", DEFAULT_INFRA_RETRY_DELAYS))
        .build();
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

  /** Builds a {@link WorkerConfig} by name; starts from the defaults. */
  public static final class Builder {
    private final String workerId;
    private final QueueKeys keys;
    private int concurrency = 8;
    private int maxOneCCalls = 4;
    private Duration lease = DEFAULT_LEASE;
    private int maxStalls = 3;
    private int circuitFailures = 5;
    private Duration circuitOpen = Duration.ofSeconds(30);
    private Duration reconcileInterval = Duration.ofSeconds(60);
    private Duration reconcileMinAge = Duration.ofSeconds(120);
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private Duration jobTimeout = DEFAULT_ONEC_TIMEOUT.plus(JOB_TIMEOUT_MARGIN);
    private List<Duration> infraRetryDelays = DEFAULT_INFRA_RETRY_DELAYS;

    private Builder(String workerId, QueueKeys keys) {
      this.workerId = workerId;
      this.keys = keys;
    }

    public Builder concurrency(int value) {
      this.concurrency = value;
      return this;
    }

    public Builder maxOneCCalls(int value) {
      this.maxOneCCalls = value;
      return this;
    }

    public Builder lease(Duration value) {
      this.lease = value;
      return this;
    }

    public Builder maxStalls(int value) {
      this.maxStalls = value;
      return this;
    }

    public Builder circuitFailures(int value) {
      this.circuitFailures = value;
      return this;
    }

    public Builder circuitOpen(Duration value) {
      this.circuitOpen = value;
      return this;
    }

    public Builder reconcileInterval(Duration value) {
      this.reconcileInterval = value;
      return this;
    }

    public Builder reconcileMinAge(Duration value) {
      this.reconcileMinAge = value;
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      this.shutdownGrace = value;
      return this;
    }

    public Builder jobTimeout(Duration value) {
      this.jobTimeout = value;
      return this;
    }

    public Builder infraRetryDelays(List<Duration> value) {
      this.infraRetryDelays = value;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(workerId, keys, concurrency, maxOneCCalls, lease, maxStalls, circuitFailures,
          circuitOpen, reconcileInterval, reconcileMinAge, shutdownGrace, jobTimeout, infraRetryDelays);
    }
  }
}
