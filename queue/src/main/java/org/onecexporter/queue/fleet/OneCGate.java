package org.onecexporter.queue.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.onecexporter.queue.Scripts;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The fleet's gate to 1C: the permits that cap concurrent calls across every worker ({@code P:onec_permits}) and
 * 1C's health as the whole fleet sees it ({@code P:onec_health}: up, or down with one probe call at a time).
 */
public final class OneCGate {
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;

  public OneCGate(RedissonClient redis, QueueKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  /**
   * A permit answer: granted; or not yet ({@code retryIn}: until one may free up); or {@code oneCDown}: the fleet
   * knows 1C is down and this call is not its probe, so it must not be made ({@code retryIn}: the next probe).
   */
  public record Permit(boolean granted, boolean oneCDown, Duration retryIn) {}

  /**
   * One fleet-wide 1C-call permit. {@code probeToken}: the lease token of the caller's job when it is the fleet's
   * probe ({@link ClaimedJob#probe()}), else null.
   */
  public Permit tryAcquirePermit(String permitId, int max, Duration lease, String probeToken) {
    List<Object> r = scripts.eval(Script.PERMIT_ACQUIRE, List.of(keys.permits(), keys.onecHealth()), permitId,
        Integer.toString(max), Long.toString(lease.toMillis()), probeToken == null ? "" : probeToken);
    String status = r.get(0).toString();
    return new Permit(status.equals("granted"), status.equals("onec_down"),
        Duration.ofMillis(Scripts.number(r.get(1))));
  }

  /** Blocks up to {@code timeout} for a permit given back somewhere in the fleet. */
  public void awaitPermit(Duration timeout) throws InterruptedException {
    redis.<String>getBlockingQueue(keys.permitsWake(), StringCodec.INSTANCE)
        .poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  public void releasePermit(String permitId) {
    scripts.eval(Script.PERMIT_RELEASE, List.of(keys.permits(), keys.permitsWake()), permitId);
  }

  /** What the fleet-wide 1C health says after a report: {@code refund}: do not count the attempt. */
  public record Health(boolean down, boolean refund, Duration untilProbe) {}

  /** How a call to 1C went, for the fleet-wide health. */
  public enum HealthReport {
    /** 1C answered (success, a refusal, not_configured): it is up. */
    UP,
    /** A transient failure: 5xx, timeout, refused or dropped connection. */
    FAIL,
    /** 1C said it is down for everyone (403, sessions locked). */
    DOWN,
    /** The probe's job ended without calling 1C: let another job probe now. */
    RELEASE
  }

  /**
   * Records a call's outcome in 1C's fleet-wide health: {@code threshold} consecutive transient failures
   * (across all workers) mark 1C down; then only one probe per {@code open} (doubling up to {@code maxOpen} while
   * probes fail) calls it, and the first answer marks it up.
   */
  public Health report(HealthReport report, ClaimedJob job, int threshold, Duration open, Duration maxOpen) {
    List<Object> r = scripts.eval(Script.ONEC_HEALTH, List.of(keys.onecHealth(), keys.stats(), keys.wake()),
        keys.prefix(), scripts.newCall(), scripts.replayWindow(), report.name().toLowerCase(Locale.ROOT),
        job == null ? "" : job.token(), Integer.toString(threshold), Long.toString(open.toMillis()),
        Long.toString(maxOpen.toMillis()), job == null ? "" : job.orderId());
    return new Health("down".equals(r.get(0)), Scripts.number(r.get(1)) == 1,
        Duration.ofMillis(Scripts.number(r.get(2))));
  }

  /**
   * 1C's health as the fleet last recorded it: {@code down} since when and the next probe, {@code probing} while
   * the probe's job holds its lease, {@code failures}: the current streak of transient failures.
   */
  public record State(boolean down, boolean probing, long downSinceMillis, long nextProbeAtMillis, long failures) {}

  /** Reads {@link State} (one HGETALL). */
  public State state() {
    Map<String, String> h = redis.<String, String>getMap(keys.onecHealth(), StringCodec.INSTANCE).readAllMap();
    return new State("down".equals(h.get("state")), h.containsKey("probe"), longOr0(h.get("down_since")),
        longOr0(h.get("next_probe_at")), longOr0(h.get("failures")));
  }

  private static long longOr0(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
