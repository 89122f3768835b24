package org.onecexporter.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

/**
 * What one measured phase of a benchmark cost: CPU time of this process and of the Redis server (utime + stime
 * from {@code /proc/<pid>/stat}, in clock ticks of {@code BENCH_CLK_TCK}, default 100) and the Redis commands
 * it served ({@code INFO commandstats}, all clients; commands run inside scripts are counted there too, so the
 * script calls are also given apart). ops/bench passes the Redis server's pid as
 * {@code BENCH_REDIS_PID} when Redis runs on this machine; without it the Redis figures are left out.
 *
 * <p>Both are server-wide: on a Redis that other programs use at the same time the Redis figures include them.
 * bench/bullmq/meter.mjs measures BullMQ's runs the same way.
 */
final class RunMeter {
  private final RedissonClient redis;
  private final long ticksPerSecond;
  private final long redisPid;
  private final long processTicks0;
  private final long redisTicks0;
  private final Map<String, Long> redisCalls0;

  private RunMeter(RedissonClient redis) {
    this.redis = redis;
    this.ticksPerSecond = longEnv("BENCH_CLK_TCK", 100);
    this.redisPid = longEnv("BENCH_REDIS_PID", -1);
    this.redisCalls0 = redisCalls();
    this.redisTicks0 = redisPid > 0 ? cpuTicks(redisPid) : -1;
    this.processTicks0 = cpuTicks(ProcessHandle.current().pid());
  }

  /** Starts measuring now. */
  static RunMeter start(RedissonClient redis) {
    return new RunMeter(redis);
  }

  private static final Set<String> SCRIPT_COMMANDS =
      Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro");

  /**
   * Stops measuring and adds {@code cpu_ms_per_1000_jobs} ({@code process}, {@code redis}, {@code total}),
   * {@code cpu_ms} (the same, absolute), {@code redis_commands_per_job} (every command Redis ran, those inside
   * scripts too), {@code redis_scripts_per_job} and {@code redis_commands_per_job_by_name} to {@code result}.
   */
  ObjectNode stop(ObjectNode result, long jobs) {
    long processTicks = cpuTicks(ProcessHandle.current().pid());
    long redisTicks = redisTicks0 >= 0 ? cpuTicks(redisPid) : -1;
    Map<String, Long> redisCalls = redisCalls();
    double processMs = ticksToMillis(processTicks - processTicks0);
    ObjectNode absolute = result.putObject("cpu_ms").put("process", round(processMs));
    ObjectNode perThousand = result.putObject("cpu_ms_per_1000_jobs")
        .put("process", round(processMs * 1000 / jobs));
    if (processTicks0 >= 0 && redisTicks0 >= 0 && redisTicks >= 0) {
      double redisMs = ticksToMillis(redisTicks - redisTicks0);
      absolute.put("redis", round(redisMs)).put("total", round(processMs + redisMs));
      perThousand.put("redis", round(redisMs * 1000 / jobs)).put("total", round((processMs + redisMs) * 1000 / jobs));
    } else {
      absolute.putNull("redis").putNull("total");
      perThousand.putNull("redis").putNull("total");
    }
    result.put("clk_tck", ticksPerSecond);
    if (redisCalls0 != null && redisCalls != null) {
      long all = 0;
      long scripts = 0;
      Map<String, Double> byName = new TreeMap<>();
      for (Map.Entry<String, Long> e : redisCalls.entrySet()) {
        long delta = e.getValue() - redisCalls0.getOrDefault(e.getKey(), 0L);
        all += delta;
        if (SCRIPT_COMMANDS.contains(e.getKey())) {
          scripts += delta;
        }
        if ((double) delta / jobs >= 0.005) {
          byName.put(e.getKey(), Math.round(delta * 1000.0 / jobs) / 1000.0);
        }
      }
      result.put("redis_commands_per_job", round((double) all / jobs))
          .put("redis_scripts_per_job", round((double) scripts / jobs));
      ObjectNode names = result.putObject("redis_commands_per_job_by_name");
      byName.forEach(names::put);
    } else {
      result.putNull("redis_commands_per_job").putNull("redis_scripts_per_job");
    }
    return result;
  }

  /** utime + stime of a process, in clock ticks; -1 when it cannot be read (not Linux, another machine). */
  static long cpuTicks(long pid) {
    try {
      return parseCpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Fields 14 and 15 of /proc/pid/stat; the second field (the command name) may hold spaces and parentheses. */
  static long parseCpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Commands Redis has served since its start, by name (all clients, INFO itself left out); null if unknown. */
  private Map<String, Long> redisCalls() {
    try {
      return parseCommandstats(redis.getRedisNodes(RedisNodes.SINGLE).getInstance()
          .info(RedisNode.InfoSection.COMMANDSTATS));
    } catch (RuntimeException e) { // a Redis Cluster, or INFO refused: the figures are left out
      return null;
    }
  }

  /** {@code cmdstat_evalsha -> "calls=12,usec=..."} into {@code evalsha -> 12}; INFO itself left out. */
  static Map<String, Long> parseCommandstats(Map<String, String> commandstats) {
    Map<String, Long> calls = new HashMap<>();
    for (Map.Entry<String, String> e : commandstats.entrySet()) {
      String name = e.getKey().startsWith("cmdstat_") ? e.getKey().substring("cmdstat_".length()) : e.getKey();
      if (name.equals("info")) {
        continue;
      }
      for (String kv : e.getValue().split(",")) {
        if (kv.startsWith("calls=")) {
          calls.put(name, Long.parseLong(kv.substring("calls=".length()).trim()));
        }
      }
    }
    return calls;
  }

  private double ticksToMillis(long ticks) {
    return ticks * 1000.0 / ticksPerSecond;
  }

  private static long longEnv(String name, long defaultValue) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return defaultValue;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
