package org.onecexporter.http;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refused authentications of an HTTP surface: every one is counted in its metric; a log line is due at most once
 * per interval and reports how many were refused since the last one, so a flood cannot flood the log. What was
 * presented (a token, a password) is never the caller's to log.
 */
public final class AuthFailures {
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final Counter counter;
  private final AtomicLong unlogged = new AtomicLong();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL.toNanos());

  public AuthFailures(Counter counter) {
    this.counter = counter;
  }

  /**
   * Counts one refusal.
   *
   * @param worthLogging false for refusals that are part of normal use (a browser's first request before it asks
   *     for credentials): counted, never logged
   * @return how many refusals the caller should report in one log line now, or 0 when no line is due
   */
  public long refused(boolean worthLogging) {
    counter.increment();
    if (!worthLogging) {
      return 0;
    }
    unlogged.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL.toNanos() && lastLogNanos.compareAndSet(last, now)) {
      return unlogged.getAndSet(0);
    }
    return 0;
  }
}
