package org.onecexporter.queue.fleet;

import java.time.Duration;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Who runs a fleet-wide periodic task (the reaper, the reconciler) this interval ({@code P:lock:<name>}). */
public final class FleetLock {
  private final RedissonClient redis;
  private final QueueKeys keys;

  public FleetLock(RedissonClient redis, QueueKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** True for exactly one caller per {@code interval}: the lock expires with it, nobody releases it. */
  public boolean tryLock(String name, Duration interval, String owner) {
    return redis.<String>getBucket(keys.lock(name), StringCodec.INSTANCE).setIfAbsent(owner, interval);
  }
}
