package org.onecexporter.cli;

import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.QueueKeys;
import org.onecexporter.queue.RedisConnections;
import org.redisson.api.RedissonClient;

/** The queue for one command-line invocation (REDIS_URL, QUEUE_PREFIX). */
final class QueueAccess implements AutoCloseable {
  private final RedissonClient redis;
  private final JobQueue queue;

  QueueAccess(Env env) {
    QueueKeys keys = new QueueKeys(env.string("QUEUE_PREFIX", QueueKeys.DEFAULT_PREFIX));
    this.redis = RedisConnections.create(env.asMap(), 4);
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
