package org.onecexporter.worker;

import java.time.Duration;
import org.onecexporter.ExporterRuntime;
import org.onecexporter.config.Env;
import org.onecexporter.config.OneCConfig;
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

  private WorkerRuntime(RedissonClient redis, ExporterRuntime exporter, Worker worker) {
    this.redis = redis;
    this.exporter = exporter;
    this.worker = worker;
  }

  public static WorkerRuntime fromEnv(Env env) throws InterruptedException {
    WorkerConfig config = WorkerConfig.fromEnv(env);
    OneCConfig oneC = OneCConfig.fromEnv(env); // fail fast on 1C settings before waiting for Redis
    RedissonClient redis = connectWithBackoff(env, config.concurrency() + 8);
    JobQueue queue = new JobQueue(redis, config.keys());
    ExporterRuntime exporter = ExporterRuntime.fromEnv(env, config.maxOneCCalls(),
        client -> new PermitGatedClient(client, queue, config.maxOneCCalls(), oneC.timeout()));
    Reconciler reconciler = new Reconciler(exporter.database().jdbi(), queue, config.reconcileMinAge());
    Worker worker = new Worker(config, queue, exporter.exporter(), reconciler);
    return new WorkerRuntime(redis, exporter, worker);
  }

  /** Redis down at start-up: wait and try again with backoff instead of exiting into a crash loop. */
  static RedissonClient connectWithBackoff(Env env, int connections) throws InterruptedException {
    Duration backoff = Duration.ofMillis(500);
    while (true) {
      try {
        return RedisConnections.fromEnv(env, connections);
      } catch (org.onecexporter.config.ConfigException e) {
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

  @Override
  public void close() {
    worker.close();
    exporter.close();
    redis.shutdown();
  }
}
