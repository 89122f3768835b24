package org.onecexporter.queue;

import java.time.Duration;
import java.util.function.Supplier;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;

/**
 * A {@link JobQueue} connected on first use and reconnected after Redis was unreachable at start-up, trying at
 * most once per {@code retryEvery}. Redisson itself reconnects an established client; this covers the start.
 */
public final class LazyQueue implements AutoCloseable {
  private final Supplier<RedissonClient> connect;
  private final QueueKeys keys;
  private final long retryEveryNanos;
  private volatile JobQueue queue;
  private RedissonClient client;
  private long lastTry = Long.MIN_VALUE / 2;
  private RuntimeException lastFailure;

  public LazyQueue(Supplier<RedissonClient> connect, QueueKeys keys, Duration retryEvery) {
    this.connect = connect;
    this.keys = keys;
    this.retryEveryNanos = retryEvery.toNanos();
  }

  public QueueKeys keys() {
    return keys;
  }

  /** The queue if connected already, else null; never connects nor waits (for callers that must not block). */
  public JobQueue connected() {
    return queue;
  }

  /**
   * @throws QueueUnavailableException when Redis cannot be reached now
   */
  public JobQueue get() {
    JobQueue current = queue;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (queue != null) {
        return queue;
      }
      long now = System.nanoTime();
      if (now - lastTry < retryEveryNanos && lastFailure != null) {
        throw new QueueUnavailableException("Redis unreachable: " + lastFailure.getMessage(), lastFailure);
      }
      lastTry = now;
      try {
        client = connect.get();
        queue = new JobQueue(client, keys);
        lastFailure = null;
        return queue;
      } catch (RuntimeException e) {
        lastFailure = e;
        throw new QueueUnavailableException("Redis unreachable: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.shutdown();
      client = null;
      queue = null;
    }
  }
}
