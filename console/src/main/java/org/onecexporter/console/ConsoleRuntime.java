package org.onecexporter.console;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.db.Database;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.ops.OpsHttpServer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;

/** The console and what it reads, built from the environment (the workers' DATABASE_URL, REDIS_URL, QUEUE_PREFIX). */
public final class ConsoleRuntime implements AutoCloseable {
  private final Database database;
  private final RedissonClient redis;
  private final ConsoleServer server;
  private final OpsHttpServer ops;
  private final ConsoleConfig config;

  private ConsoleRuntime(Database database, RedissonClient redis, ConsoleServer server, OpsHttpServer ops,
      ConsoleConfig config) {
    this.database = database;
    this.redis = redis;
    this.server = server;
    this.ops = ops;
    this.config = config;
  }

  /**
   * Also serves the console's own metrics ({@code onec_console_auth_failures_total}, its enqueues, its HTTP
   * server's) with {@code /health/live} and {@code /health/ready} on {@code CONSOLE_OPS_HOST}:{@code
   * CONSOLE_OPS_PORT} (127.0.0.1:9180; no credentials there, as the workers' ops port), for Prometheus.
   */
  public static ConsoleRuntime fromEnv(Env env) throws IOException {
    ConsoleConfig config = ConsoleConfig.fromEnv(env);
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    DatabaseConfig db = DatabaseConfig.fromEnv(env);
    String opsHost = env.string("CONSOLE_OPS_HOST", "127.0.0.1");
    int opsPort = env.integer("CONSOLE_OPS_PORT", 9180, 0, 65_535);
    RedissonClient redis = redis(env.asMap());
    Database database = new Database(db, 6);
    ConsoleServer server = null;
    try {
      JobQueue queue = new JobQueue(redis, keys);
      var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // The same enqueuer payment processors use, on the console's Redis connection.
      InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(() -> redis, keys, Duration.ofSeconds(1)),
          enqueueMeters(registry));
      OperationsData data = new OperationsData(database.jdbi(), new org.onecexporter.db.SqlOrderStore(database.jdbi(),
          database.dialect(), org.onecexporter.db.OrderSources.fromEnv(env, database.dialect())), queue,
          Clock.systemUTC());
      server = new ConsoleServer(config, data, enqueuer, registry);
      Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
      checks.put("redis", () -> {
        redis.getBucket(keys.stats()).isExists();
        return true;
      });
      checks.put("postgresql", () -> database.jdbi().withHandle(
          h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1);
      OpsHttpServer ops = OpsHttpServer.start("CONSOLE_OPS_PORT", opsHost, opsPort, false, registry, checks);
      return new ConsoleRuntime(database, redis, server, ops, config);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      database.close();
      redis.shutdown();
      throw e;
    }
  }

  /** The port of the console's metrics and health. */
  public int opsPort() {
    return ops.port();
  }

  /**
   * The console's Redis client: no retries. A read that timed out is not sent again (a retry doubles the load of a
   * Redis already slow and cannot make the answer come sooner); the page shows the failure, a person reloads.
   */
  static RedissonClient redis(java.util.Map<String, String> env) {
    org.redisson.config.Config config = RedisConnections.config(env, 8, 5000);
    if (config.isClusterConfig()) {
      config.useClusterServers().setRetryAttempts(0);
    } else if (config.isSentinelConfig()) {
      config.useSentinelServers().setRetryAttempts(0);
    } else {
      config.useSingleServer().setRetryAttempts(0);
    }
    return org.redisson.Redisson.create(config);
  }

  public int port() {
    return server.port();
  }

  /** The database the console reads (the workers' own). */
  public Database database() {
    return database;
  }

  public ConsoleConfig config() {
    return config;
  }

  @Override
  public void close() {
    ops.close();
    server.close();
    redis.shutdown();
    database.close();
  }

  private static InvoiceEnqueuer.Listener enqueueMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    org.onecexporter.ops.EnqueueMeters meters = new org.onecexporter.ops.EnqueueMeters(registry,
        java.util.Arrays.stream(org.onecexporter.enqueuer.EnqueueStatus.values()).map(Enum::name).toList());
    return (status, nanos) -> meters.record(status.name(), nanos);
  }
}
