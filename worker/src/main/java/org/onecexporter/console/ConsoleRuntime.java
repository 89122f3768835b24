package org.onecexporter.console;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.onecexporter.config.DatabaseConfig;
import org.onecexporter.config.Env;
import org.onecexporter.db.Database;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.QueueKeys;
import org.onecexporter.queue.RedisConnections;
import org.redisson.api.RedissonClient;

/** The console and what it reads, built from the environment (the workers' DATABASE_URL, REDIS_URL, QUEUE_PREFIX). */
public final class ConsoleRuntime implements AutoCloseable {
  private final Database database;
  private final RedissonClient redis;
  private final ConsoleServer server;
  private final ConsoleConfig config;

  private ConsoleRuntime(Database database, RedissonClient redis, ConsoleServer server, ConsoleConfig config) {
    this.database = database;
    this.redis = redis;
    this.server = server;
    this.config = config;
  }

  public static ConsoleRuntime fromEnv(Env env) throws IOException {
    ConsoleConfig config = ConsoleConfig.fromEnv(env);
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    DatabaseConfig db = DatabaseConfig.fromEnv(env);
    RedissonClient redis = redis(env.asMap());
    Database database = new Database(db, 6);
    try {
      JobQueue queue = new JobQueue(redis, keys);
      var registry = new SimpleMeterRegistry();
      // The same enqueuer payment processors use, on the console's Redis connection.
      InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(() -> redis, keys, Duration.ofSeconds(1)),
          new org.onecexporter.ops.EnqueueMeters(registry));
      OperationsData data = new OperationsData(database.jdbi(), queue, Clock.systemUTC());
      ConsoleServer server = new ConsoleServer(config, data, enqueuer, registry);
      return new ConsoleRuntime(database, redis, server, config);
    } catch (IOException | RuntimeException e) {
      database.close();
      redis.shutdown();
      throw e;
    }
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

  public ConsoleConfig config() {
    return config;
  }

  @Override
  public void close() {
    server.close();
    redis.shutdown();
    database.close();
  }
}
