package org.onecexporter.http;

import io.micrometer.core.instrument.Counter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Refused authentications of an HTTP surface (the console, the enqueuer service), and the slow-down of password
 * guessing per client address.
 *
 * <p>Every refusal is counted in the surface's metric; a log line is due at most once per interval and reports how
 * many were refused since the last one, so a flood cannot flood the log. What was presented (a token, a password)
 * is never the caller's to log.
 *
 * <p>Throttling: after {@link #THRESHOLD} wrong credentials from one address within {@link #WINDOW}, that address
 * is answered 429 (with {@code Retry-After}) for 1 s, and every further wrong attempt doubles the pause, up to
 * {@link #MAX_PAUSE}; an address that sends no wrong credentials for {@link #FORGET} starts afresh. While an address
 * is paused its requests are refused without their credentials being checked, so a guess made during the pause
 * tells nothing, even a right one. The one exception keeps the real operator in: credentials that were already
 * accepted from that address before (a signed-in browser sends the same header with every request) still pass.
 * Other addresses are never affected. Requests without credentials (a browser's first request) do not count.
 */
public final class AuthFailures {
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  /** Wrong credentials from one address within {@link #WINDOW} before it is paused. */
  public static final int THRESHOLD = 5;
  public static final Duration WINDOW = Duration.ofMinutes(1);
  static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  public static final Duration MAX_PAUSE = Duration.ofMinutes(5);
  static final Duration FORGET = Duration.ofMinutes(15);
  /** Addresses tracked at most; past it, those not paused are forgotten first. */
  static final int MAX_ADDRESSES = 10_000;
  /** Accepted credentials remembered per address (an operator and a viewer, a token and its successor). */
  private static final int KNOWN_GOOD_PER_ADDRESS = 4;

  private final Counter counter;
  private final LongSupplier nanoTime;
  private final AtomicLong unlogged = new AtomicLong();
  private final AtomicLong lastLogNanos;
  private final Map<String, Address> addresses = new ConcurrentHashMap<>();

  /** One client address: its recent wrong attempts, its pause, and the credentials accepted from it. */
  private static final class Address {
    int failures;
    long windowStart;
    long lastFailure;
    long pausedUntil;
    final byte[][] knownGood = new byte[KNOWN_GOOD_PER_ADDRESS][];
    int nextGood;
  }

  public AuthFailures(Counter counter) {
    this(counter, System::nanoTime);
  }

  AuthFailures(Counter counter, LongSupplier nanoTime) {
    this.counter = counter;
    this.nanoTime = nanoTime;
    this.lastLogNanos = new AtomicLong(nanoTime.getAsLong() - LOG_INTERVAL.toNanos());
  }

  /** A digest of an {@code Authorization} header's value, for {@link #pause} and {@link #accepted}; null for none. */
  public static byte[] digest(String authorization) {
    if (authorization == null) {
      return null;
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How long {@code address} must wait before its credentials are checked again (answer 429 with this as
   * {@code Retry-After}), or null when they may be checked now: the address is not paused, or {@code credentials}
   * (a {@link #digest}) were accepted from it before.
   */
  public Duration pause(String address, byte[] credentials) {
    Address a = address == null ? null : addresses.get(address);
    if (a == null) {
      return null;
    }
    synchronized (a) {
      long left = a.pausedUntil - nanoTime.getAsLong();
      if (left <= 0) {
        return null;
      }
      if (credentials != null) {
        for (byte[] good : a.knownGood) {
          if (good != null && MessageDigest.isEqual(good, credentials)) {
            return null;
          }
        }
      }
      return Duration.ofNanos(left);
    }
  }

  /** {@code credentials} (a {@link #digest}) were accepted from {@code address}: they pass its pauses from now on. */
  public void accepted(String address, byte[] credentials) {
    if (address == null || credentials == null) {
      return;
    }
    if (addresses.size() >= MAX_ADDRESSES && !addresses.containsKey(address)) {
      forgetIdle(nanoTime.getAsLong());
    }
    Address a = addresses.computeIfAbsent(address, k -> new Address());
    synchronized (a) {
      for (byte[] good : a.knownGood) {
        if (good != null && Arrays.equals(good, credentials)) {
          return;
        }
      }
      a.knownGood[a.nextGood] = credentials;
      a.nextGood = (a.nextGood + 1) % KNOWN_GOOD_PER_ADDRESS;
    }
  }

  /** Counts one refusal without an address (see {@link #refused(String, boolean)}). */
  public long refused(boolean worthLogging) {
    return refused(null, worthLogging);
  }

  /**
   * Counts one refusal; with {@code worthLogging} (wrong credentials were presented) it also counts towards
   * pausing {@code address}.
   *
   * @param worthLogging false for refusals that are part of normal use (a browser's first request before it asks
   *     for credentials) and for requests refused during a pause: counted, never logged nor held against the address
   * @return how many refusals the caller should report in one log line now, or 0 when no line is due
   */
  public long refused(String address, boolean worthLogging) {
    counter.increment();
    if (!worthLogging) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    if (address != null) {
      failed(address, now);
    }
    unlogged.incrementAndGet();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL.toNanos() && lastLogNanos.compareAndSet(last, now)) {
      return unlogged.getAndSet(0);
    }
    return 0;
  }

  private void failed(String address, long now) {
    if (addresses.size() >= MAX_ADDRESSES && !addresses.containsKey(address)) {
      forgetIdle(now);
    }
    Address a = addresses.computeIfAbsent(address, k -> new Address());
    synchronized (a) {
      if (a.failures == 0 || now - a.lastFailure > FORGET.toNanos()) { // the first, or the first in a long while
        a.failures = 0;
        a.windowStart = now;
        a.pausedUntil = 0;
      } else if (a.failures < THRESHOLD && now - a.windowStart > WINDOW.toNanos()) {
        a.failures = 0; // fewer than THRESHOLD within the window: typos, not guessing
        a.windowStart = now;
      }
      a.failures++;
      a.lastFailure = now;
      if (a.failures >= THRESHOLD) {
        int doublings = Math.min(30, a.failures - THRESHOLD);
        long pause = Math.min(MAX_PAUSE.toNanos(), FIRST_PAUSE.toNanos() << doublings);
        a.pausedUntil = now + pause;
      }
    }
  }

  /** Forgets addresses not paused and quiet for {@link #FORGET}; if that is not enough, every address not paused. */
  private void forgetIdle(long now) {
    addresses.entrySet().removeIf(e -> now - e.getValue().lastFailure > FORGET.toNanos());
    if (addresses.size() >= MAX_ADDRESSES) {
      addresses.entrySet().removeIf(e -> e.getValue().pausedUntil - now <= 0);
    }
  }

  /**
   * The check every authenticating surface makes before it looks at the credentials: when {@code address} is paused
   * for {@code authorization} (see {@link #pause}), the refusal is counted and the {@code Retry-After} seconds to
   * answer with 429 are returned; null when the credentials may be checked now.
   */
  public String throttled(String address, String authorization) {
    Duration pause = pause(address, digest(authorization));
    if (pause == null) {
      return null;
    }
    refused(address, false);
    return retryAfter(pause);
  }

  /** The {@code Retry-After} value for a pause: whole seconds, rounded up, at least 1. */
  public static String retryAfter(Duration pause) {
    return Long.toString(Math.max(1, (pause.toMillis() + 999) / 1000));
  }
}
