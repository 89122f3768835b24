package org.onecexporter.cli;

import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;
import org.onecexporter.logging.RootCause;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.QueueConfigException;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/**
 * The queue for one command-line invocation (REDIS_URL, QUEUE_PREFIX). An operator waits at the terminal: each
 * Redis call and the connection are bounded by {@link #TIMEOUT_MILLIS} without retries, and a Redis that cannot be
 * reached is a {@link RedisUnavailableException} naming it.
 */
final class QueueAccess implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 3000;

  private final RedissonClient redis;
  private final JobQueue queue;

  QueueAccess(Env env) {
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    var config = RedisConnections.config(env.asMap(), 4, TIMEOUT_MILLIS);
    try {
      this.redis = Redisson.create(config);
    } catch (ConfigException | QueueConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RedisUnavailableException(Unreachable.redisTarget(env), RootCause.oneLine(e));
    }
    this.queue = new JobQueue(redis, keys);
  }

  JobQueue queue() {
    return queue;
  }

  @Override
  public void close() {
    redis.shutdown();
  }
}
