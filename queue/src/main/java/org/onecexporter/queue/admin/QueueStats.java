package org.onecexporter.queue.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.onecexporter.queue.Scripts;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** What the queue holds and how fast it goes, for {@code onec-exporter stats}, the console and the metrics. */
public final class QueueStats {
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;

  public QueueStats(RedissonClient redis, QueueKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  /** Sizes, oldest waiting job and counters. */
  public record Stats(long ready, long delayed, long active, long dlq, Optional<Duration> oldestWaiting,
      Map<String, Long> counters) {}

  /**
   * One call (stats.lua): every figure from the same instant, each read O(1) or O(log N) but the counters' (bounded
   * by their number).
   */
  public Stats stats() {
    List<Object> r = scripts.eval(Script.STATS, List.of(keys.ready(), keys.delayed(), keys.active(), keys.dlq(),
        keys.legacyDlq(), keys.dlqUnreadable(), keys.stats()), keys.prefix());
    long now = Scripts.number(r.get(4));
    String oldest = r.get(5).toString();
    Optional<Duration> oldestWaiting = oldest.isEmpty() ? Optional.empty()
        : Optional.of(Duration.ofMillis(Math.max(0, now - Long.parseLong(oldest))));
    Map<String, Long> counters = new TreeMap<>();
    for (int i = 6; i + 1 < r.size(); i += 2) {
      counters.put(r.get(i).toString(), Long.parseLong(r.get(i + 1).toString()));
    }
    return new Stats(Scripts.number(r.get(0)), Scripts.number(r.get(1)), Scripts.number(r.get(2)),
        Scripts.number(r.get(3)), oldestWaiting, counters);
  }

  private long redisTimeMillis() {
    List<Object> t = redis.getScript(StringCodec.INSTANCE).eval(keys.stats(), RScript.Mode.READ_ONLY,
        "return redis.call('TIME')", RScript.ReturnType.LIST, List.of(keys.stats()));
    return Long.parseLong(t.get(0).toString()) * 1000 + Long.parseLong(t.get(1).toString()) / 1000;
  }

  /** Percentiles of recent exports across the fleet (from the capped timing list). */
  public record Timings(int count, Optional<Duration> jobP50, Optional<Duration> jobP95, Optional<Duration> jobP99,
      Optional<Duration> callP50, Optional<Duration> callP95, Optional<Duration> callP99) {}

  public Timings timings(Duration window) {
    long since = redisTimeMillis() - window.toMillis();
    List<Long> job = new ArrayList<>();
    List<Long> call = new ArrayList<>();
    for (String entry : redis.<String>getList(keys.exportTimes(), StringCodec.INSTANCE).readAll()) {
      String[] parts = entry.split(" ");
      try {
        if (Long.parseLong(parts[0]) < since) {
          break; // newest first: the rest is older
        }
        job.add(Long.parseLong(parts[1]));
        if (parts.length > 2 && !parts[2].isEmpty()) {
          call.add(Long.parseLong(parts[2]));
        }
      } catch (RuntimeException malformed) {
        // a hand-written entry: skip it
      }
    }
    return new Timings(job.size(), percentile(job, 50), percentile(job, 95), percentile(job, 99),
        percentile(call, 50), percentile(call, 95), percentile(call, 99));
  }

  /**
   * One export from the capped timing list ({@code P:export_times}, the newest 10,000 exports the workers acked):
   * when it was acked (Redis time), queued → acked, and the 1C call (null when none was timed).
   */
  public record ExportTime(long doneAtMillis, long queuedToDoneMillis, Long callMillis) {}

  /**
   * The exports of a window, newest first; {@code complete} unless the read stopped at the list's cap inside the
   * window (the list no longer holds the window's older exports).
   */
  public record ExportTimes(List<ExportTime> entries, boolean complete) {}

  /** Entries per LRANGE when reading the timing list for a time window. */
  private static final int TIMES_CHUNK = 1_000;
  /** The list's cap (ack_jobs' LTRIM): no read goes further, whatever a hand-made list holds. */
  static final int TIMES_CAP = 10_000;

  /**
   * The exports acked in [{@code fromMillis}, {@code toMillis}): read {@value #TIMES_CHUNK} entries
   * at a time from the newest and stopped at the first one older than {@code fromMillis}, so a short window costs
   * a short read; at most {@value #TIMES_CAP} entries in any case. Hand-written entries that do not parse are
   * skipped.
   */
  public ExportTimes exportTimes(long fromMillis, long toMillis) {
    List<ExportTime> out = new ArrayList<>();
    var list = redis.<String>getList(keys.exportTimes(), StringCodec.INSTANCE);
    for (int start = 0; start < TIMES_CAP; start += TIMES_CHUNK) {
      List<String> chunk = list.range(start, Math.min(start + TIMES_CHUNK, TIMES_CAP) - 1);
      for (String entry : chunk) {
        String[] parts = entry.split(" ");
        try {
          long doneAt = Long.parseLong(parts[0]);
          if (doneAt < fromMillis) {
            return new ExportTimes(out, true); // newest first: the rest is older
          }
          if (doneAt >= toMillis) {
            continue;
          }
          Long call = parts.length > 2 && !parts[2].isEmpty() ? Long.valueOf(parts[2]) : null;
          out.add(new ExportTime(doneAt, Long.parseLong(parts[1]), call));
        } catch (RuntimeException malformed) {
          // a hand-written entry: skip it
        }
      }
      if (chunk.size() < TIMES_CHUNK) {
        return new ExportTimes(out, true); // the list's end
      }
    }
    return new ExportTimes(out, false);
  }

  /** Nearest-rank percentile. */
  public static Optional<Duration> percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return Optional.of(Duration.ofMillis(sorted.get(Math.max(0, rank - 1))));
  }

  /**
   * Redis' {@code maxmemory-policy} (on every master of a cluster, on the primary behind Sentinel; one that is not
   * {@code noeviction} wins), or empty when the server refuses CONFIG (a managed Redis may). The replicas behind
   * Sentinel are not asked (the client opens no connection to them): a promoted replica is read at the next start.
   */
  public Optional<String> maxmemoryPolicy() {
    try {
      List<RedisNode> nodes = new ArrayList<>();
      Config config = redis.getConfig();
      if (config.isSentinelConfig()) {
        nodes.add(redis.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
      } else if (config.isClusterConfig()) {
        nodes.addAll(redis.getRedisNodes(RedisNodes.CLUSTER).getMasters());
      } else {
        nodes.add(redis.getRedisNodes(RedisNodes.SINGLE).getInstance());
      }
      String found = null;
      for (RedisNode node : nodes) {
        String policy = node.getConfig("maxmemory-policy").get("maxmemory-policy");
        if (policy != null && (found == null || !policy.equals("noeviction"))) {
          found = policy;
        }
      }
      return Optional.ofNullable(found);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
