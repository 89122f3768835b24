package org.onecexporter.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.Dialect;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.admin.QueueStats;

/**
 * The overview's charts of the last hours (issue 25): invoices per minute and failed attempts by outcome from the
 * attempt history ({@code export_attempts}, PostgreSQL or MariaDB/MySQL), the 1C call time P50/P95 from the
 * workers' capped timing list in Redis (the one the overview's percentiles read; the history does not keep the
 * call's own duration).
 *
 * <p>Bounded per request whatever the browsers do: a window of {@link #WINDOWS_HOURS} only, always
 * {@link #BUCKETS} buckets aligned to the epoch; one grouped query over the window's time range (the history's
 * {@code finished_at} index: BRIN on PostgreSQL, B-tree on MariaDB/MySQL) answering at most {@link #MAX_ROWS} rows,
 * cancelled after {@link #QUERY_TIMEOUT_SECONDS} s; one read of the timing list in chunks, stopped at the window's
 * start and at the list's cap. An answer is kept {@link #TTL} per window and shared: however many pages are open,
 * each window costs at most one query and one list read per 30 s, and a page asking meanwhile waits for the one
 * under way instead of starting its own.
 */
final class Charts {
  /** The windows a page may ask for. */
  static final List<Integer> WINDOWS_HOURS = List.of(1, 3, 6, 12, 24);
  static final int DEFAULT_HOURS = 3;
  static final int BUCKETS = 60;
  static final Duration TTL = Duration.ofSeconds(30);
  static final int QUERY_TIMEOUT_SECONDS = 5;
  /** (bucket, outcome) rows: every bucket with every outcome the exporter writes, twice over. */
  static final int MAX_ROWS = BUCKETS * 32;
  /** Outcomes that are not failures: an export, one found done, and a wait for a free 1C permit (back-pressure). */
  private static final Set<String> NOT_FAILURES = Set.of("exported", "already_exported", "cap_full");

  private record Kept(Instant at, ObjectNode answer) {}

  private final Jdbi jdbi;
  private final Supplier<Dialect> dialect;
  private final JobQueue queue;
  private final Clock clock;
  private final Map<Integer, Kept> kept = new HashMap<>();
  private final Map<Integer, Object> locks = new HashMap<>();

  Charts(Jdbi jdbi, Supplier<Dialect> dialect, JobQueue queue, Clock clock) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.queue = queue;
    this.clock = clock;
    for (int hours : WINDOWS_HOURS) {
      locks.put(hours, new Object());
    }
  }

  /** The charts' data for the last {@code hours} (one of {@link #WINDOWS_HOURS}). */
  ObjectNode last(int hours) {
    Object lock = locks.get(hours);
    if (lock == null) {
      throw new IllegalArgumentException("hours must be one of " + WINDOWS_HOURS);
    }
    synchronized (lock) {
      Instant now = clock.instant();
      Kept k;
      synchronized (kept) {
        k = kept.get(hours);
      }
      if (k != null && !now.isBefore(k.at()) && now.isBefore(k.at().plus(TTL))) {
        return k.answer().deepCopy();
      }
      ObjectNode answer = compute(hours, now);
      synchronized (kept) {
        kept.put(hours, new Kept(now, answer));
      }
      return answer.deepCopy();
    }
  }

  private ObjectNode compute(int hours, Instant now) {
    long bucketMs = hours * 3_600_000L / BUCKETS;
    long nowMs = now.toEpochMilli();
    long end = Math.floorDiv(nowMs, bucketMs) * bucketMs + bucketMs; // the bucket holding now is the last
    long start = end - BUCKETS * bucketMs;
    long[] exported = new long[BUCKETS];
    List<Map<String, Long>> failures = new ArrayList<>();
    List<List<Long>> calls = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      failures.add(new TreeMap<>());
      calls.add(new ArrayList<>());
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("hours", hours).put("buckets_count", BUCKETS).put("bucket_seconds", bucketMs / 1000)
        .put("from", Instant.ofEpochMilli(start).toString()).put("to", Instant.ofEpochMilli(end).toString())
        .put("now", now.toString());

    try {
      attempts(start, end, bucketMs, exported, failures);
    } catch (org.jdbi.v3.core.ConnectionException unreachable) {
      throw unreachable; // the console answers 503
    } catch (RuntimeException e) {
      out.put("attempts_error", "attempt history unavailable");
    }

    boolean complete = true;
    List<Long> allCalls = new ArrayList<>();
    long oldestCall = Long.MAX_VALUE;
    try {
      QueueStats.ExportTimes times = queue.queueStats().exportTimes(start, end);
      complete = times.complete();
      for (QueueStats.ExportTime t : times.entries()) {
        if (t.callMillis() != null) {
          calls.get((int) ((t.doneAtMillis() - start) / bucketMs)).add(t.callMillis());
          allCalls.add(t.callMillis());
        }
        oldestCall = Math.min(oldestCall, t.doneAtMillis());
      }
    } catch (org.redisson.client.RedisException | org.onecexporter.queue.QueueUnavailableException e) {
      out.put("call_times_error", "Redis unreachable");
    }
    // The list keeps the newest 10,000 exports: in a busy window the older buckets have no call times.
    if (complete || oldestCall == Long.MAX_VALUE) {
      out.putNull("call_times_from");
    } else {
      out.put("call_times_from", Instant.ofEpochMilli(oldestCall).toString());
    }

    Map<String, Long> failureTotals = new HashMap<>();
    long exportedTotal = 0;
    double peak = 0;
    ArrayNode buckets = out.putArray("buckets");
    for (int i = 0; i < BUCKETS; i++) {
      long bucketStart = start + i * bucketMs;
      // The last bucket is under way: its rate is over the part that has passed (a minute at least).
      double minutes = Math.max(1.0, Math.min(bucketMs, Math.max(0, nowMs - bucketStart)) / 60_000.0);
      double rate = Math.round(exported[i] / minutes * 10) / 10.0;
      peak = Math.max(peak, rate);
      exportedTotal += exported[i];
      ObjectNode b = buckets.addObject().put("start", Instant.ofEpochMilli(bucketStart).toString())
          .put("exported", exported[i]).put("exported_per_minute", rate);
      ObjectNode f = b.putObject("failures");
      failures.get(i).forEach((outcome, n) -> {
        f.put(outcome, n);
        failureTotals.merge(outcome, n, Long::sum);
      });
      b.put("calls", calls.get(i).size());
      millis(b, "call_p50_ms", QueueStats.percentile(calls.get(i), 50));
      millis(b, "call_p95_ms", QueueStats.percentile(calls.get(i), 95));
    }
    ObjectNode totals = out.putObject("totals");
    totals.put("exported", exportedTotal).put("peak_per_minute", peak);
    ObjectNode byOutcome = totals.putObject("failures");
    Map<String, Long> sorted = new LinkedHashMap<>();
    failureTotals.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach(byOutcome::put);
    totals.put("calls", allCalls.size());
    millis(totals, "call_p50_ms", QueueStats.percentile(allCalls, 50));
    millis(totals, "call_p95_ms", QueueStats.percentile(allCalls, 95));
    return out;
  }

  /** Attempts per (bucket, outcome) finished in [start, end), counted by the database. */
  private void attempts(long start, long end, long bucketMs, long[] exported, List<Map<String, Long>> failures) {
    Dialect d = dialect.get();
    String bucket = d == Dialect.POSTGRESQL
        ? "floor(extract(epoch FROM finished_at - CAST(:from AS timestamptz)) * 1000 / :bucket_ms)"
        : "FLOOR(TIMESTAMPDIFF(MICROSECOND, :from, finished_at) / (:bucket_ms * 1000))";
    String sql = """
        SELECT %s AS bucket, outcome, count(*) AS n FROM export_attempts
         WHERE finished_at >= :from AND finished_at < :to
         GROUP BY 1, 2 ORDER BY 1, 2 LIMIT :max_rows""".formatted(bucket);
    jdbi.useHandle(h -> h.createQuery(sql)
        .setQueryTimeout(QUERY_TIMEOUT_SECONDS)
        .bind("from", d.timestamp(Instant.ofEpochMilli(start)))
        .bind("to", d.timestamp(Instant.ofEpochMilli(end)))
        .bind("bucket_ms", bucketMs)
        .bind("max_rows", MAX_ROWS)
        .map((rs, ctx) -> {
          int i = (int) rs.getDouble("bucket");
          String outcome = rs.getString("outcome");
          long n = rs.getLong("n");
          if (i >= 0 && i < BUCKETS) {
            if (outcome.equals("exported")) {
              exported[i] += n;
            } else if (!NOT_FAILURES.contains(outcome)) {
              failures.get(i).merge(outcome, n, Long::sum);
            }
          }
          return i;
        })
        .list());
  }

  private static void millis(ObjectNode node, String name, Optional<Duration> value) {
    if (value.isPresent()) {
      node.put(name, value.get().toMillis());
    } else {
      node.putNull(name);
    }
  }
}
