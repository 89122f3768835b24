package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.onecexporter.ExporterRuntime;
import org.onecexporter.config.Env;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.ops.OpsHttpServer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything a worker process runs on, built from the environment; closes in reverse order. */
public final class WorkerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  private final RedissonClient redis;
  private final ExporterRuntime exporter;
  private final Worker worker;
  private final WorkerConfig config;
  private final WorkerMetrics metrics;
  private final java.util.List<String> eviction;
  private final Env env;
  private OpsHttpServer http;
  private org.onecexporter.queue.fleet.WorkerHeartbeats heartbeats;

  private WorkerRuntime(RedissonClient redis, ExporterRuntime exporter, Worker worker, WorkerConfig config,
      WorkerMetrics metrics, java.util.List<String> eviction, Env env) {
    this.redis = redis;
    this.exporter = exporter;
    this.worker = worker;
    this.config = config;
    this.metrics = metrics;
    this.eviction = eviction;
    this.env = env;
  }

  public static WorkerRuntime fromEnv(Env env) throws InterruptedException, java.io.IOException {
    WorkerConfig config = WorkerConfig.fromEnv(env);
    OneCConfig oneC = OneCConfig.fromEnv(env); // fail fast on 1C settings before waiting for Redis
    RedissonClient redis = connectWithBackoff(env, config.concurrency() + 8);
    JobQueue queue = new JobQueue(redis, config.keys());
    WorkerMetrics metrics = new WorkerMetrics();
    ExporterRuntime exporter = ExporterRuntime.fromEnv(env, config.maxOneCCalls(), config.concurrency(),
        client -> new PermitGatedClient(client, queue, config.maxOneCCalls(), oneC.timeout(),
            PermitGatedClient.MAX_PERMIT_WAIT, metrics.callsInFlight()));
    exporter.recordAttempts(config.workerId(), metrics.registry());
    checkDatabase(exporter.database(), config.workerId());
    Reconciler reconciler = new Reconciler(exporter.orders(), exporter.attemptHistory(), queue,
        config.reconcileMinAge())
        .pruningHistory(Duration.ofDays(env.integer("ATTEMPT_HISTORY_DAYS", 90, 1, 36_500)));
    // An order's lock lapses as a job's lease does: a killed or frozen worker's orders are free again as soon as
    // its jobs are.
    exporter.exporter().lockLapse(config.lease());
    // The worker's probe of its own database through its pool (bounded by the worker's probe timeout): it answers,
    // and holds the tables ORDER_SOURCE reads; a database without them keeps the worker not ready, saying why,
    // instead of failing every order it claims.
    Worker worker = new Worker(config, queue, exporter.exporter(), reconciler, metrics, () -> {
      exporter.orders().requireTables();
      return true;
    }, Worker.EXIT);
    env.integer("WORKER_HTTP_PORT", 9090, 0, 65_535); // a bad value fails here, before anything starts
    java.util.List<String> eviction = evictionWarning(queue, metrics);
    return new WorkerRuntime(redis, exporter, worker, config, metrics, eviction, env);
  }

  /**
   * Starts claiming, then the ops port and the heartbeat: a job that waits for a starting worker is claimed without
   * waiting for Jetty (ops/bench step 8: Jetty, its classes and the heartbeat were about 0.2 s of a 1.4 s start).
   * When the port cannot be opened the worker stops again (handing back what it claimed) and the error goes up.
   */
  public WorkerRuntime start() throws java.io.IOException {
    worker.start();
    boolean portGiven = env.optional("WORKER_HTTP_PORT").isPresent();
    int port = env.integer("WORKER_HTTP_PORT", 9090, 0, 65_535);
    // Answered from the worker's own probes, at once: a frozen database does not freeze /health/ready.
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>(worker.readiness());
    try {
      http = OpsHttpServer.start(env.string("WORKER_HTTP_HOST", "0.0.0.0"), port, !portGiven, metrics.registry(),
          checks, () -> java.util.stream.Stream.concat(eviction.stream(), worker.warnings().stream()).toList());
    } catch (java.io.IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
    LOG.info("metrics and health on port {}: /metrics, /health/live, /health/ready", http.port());
    heartbeats = org.onecexporter.queue.fleet.WorkerHeartbeats.publish(redis, config.keys(), config.workerId(),
        () -> worker.circuitState().name(), worker::inFlight, config.concurrency());
    return this;
  }

  /**
   * Redis may evict keys when {@code maxmemory-policy} is not {@code noeviction}: a job record or a queue entry
   * could vanish (the reconciler re-homes what it can, PostgreSQL still has every order, but an evicted job record
   * loses its attempts and its DLQ reason). Said loudly at start-up: an ERROR log line, {@code /health/ready}
   * warnings and the gauge {@code onec_redis_eviction_unsafe}.
   */
  static java.util.List<String> evictionWarning(JobQueue queue, WorkerMetrics metrics) {
    java.util.Optional<String> policy = queue.queueStats().maxmemoryPolicy();
    if (policy.isEmpty()) {
      LOG.warn("Redis refused CONFIG GET maxmemory-policy: make sure it is noeviction (ops/REDIS.md)");
      return java.util.List.of();
    }
    if (policy.get().equals("noeviction")) {
      metrics.evictionUnsafe(false);
      return java.util.List.of();
    }
    metrics.evictionUnsafe(true);
    String warning = "Redis maxmemory-policy is " + policy.get() + ", not noeviction: under memory pressure Redis may"
        + " evict job records and queue entries; set maxmemory-policy noeviction (ops/REDIS.md)";
    LOG.error("{}", warning, kv("redis_maxmemory_policy", policy.get()));
    return java.util.List.of(warning);
  }

  /**
   * PostgreSQL out of reach at start-up (a wrong DATABASE_URL, a database that does not exist, a refused port) is
   * said once, with its cause, in one line; the worker still starts: it stays not ready and claims nothing until
   * its probe of the database answers (it may be a database started after the worker).
   */
  static void checkDatabase(org.onecexporter.db.Database database, String workerId) {
    try {
      database.requireReachable(Duration.ofSeconds(5));
    } catch (org.onecexporter.db.DatabaseUnavailableException e) {
      LOG.error("worker {}: {}; it takes no jobs and /health/ready says not ready until the database answers (checked"
          + " every 2 s)", workerId, e.getMessage(), kv("worker", workerId), kv("dependency", "postgresql"));
    }
  }

  /** Redis down at start-up: wait and try again with backoff instead of exiting into a crash loop. */
  static RedissonClient connectWithBackoff(Env env, int connections) throws InterruptedException {
    Duration backoff = Duration.ofMillis(500);
    while (true) {
      try {
        return RedisConnections.create(env.asMap(), connections);
      } catch (org.onecexporter.config.ConfigException | org.onecexporter.queue.QueueConfigException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("Redis unreachable ({}); trying again in {} ms", e.getMessage(), backoff.toMillis());
        Thread.sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15)
            : backoff.multipliedBy(2);
      }
    }
  }

  public Worker worker() {
    return worker;
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    worker.close();
    if (heartbeats != null) {
      heartbeats.close();
    }
    if (http != null) {
      http.close();
    }
    exporter.close();
    redis.shutdown();
  }
}
