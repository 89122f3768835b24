package org.onecexporter.bench;

import static org.onecexporter.json.Json.MAPPER;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.RedisConnections;
import org.onecexporter.queue.admin.Reconciliation.SweepStep;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@code bench scripts} (issue 23, target 1): each queue call an operator, a worker or the reconciler makes, timed
 * on an empty queue and on one holding {@code --dlq} dead jobs, {@code --delayed} retries and {@code --ready} ready
 * ones (filled as a queue from before the index and the DLQ's sorted set: records, list entries, then the walk that
 * moves the DLQ list into the set and counts it, itself timed). Prints one
 * {@code script_cost} line per call (median and max of {@code --samples} calls, the full/empty ratio of the
 * medians; the longest the server itself spent on one call, from its SLOWLOG), then the payment path's enqueue
 * while the whole DLQ is purged, and while it is requeued, in bounded calls ({@code script_cost_bulk}). The p50s and
 * the client's max are the client's times, round trip included. Its own key prefix; run it on a
 * Redis of its own (ops/bench does) so that nothing else shares the server.
 */
final class ScriptCosts {
  private static final Duration LEASE = Duration.ofMinutes(10);
  private static final int NEW_IDS = 50_000_000;
  private final int dead;
  private final int delayed;
  private final int ready;
  private final int samples;
  private final RedissonClient redis;
  private final JobQueue queue;
  private int fresh = NEW_IDS;
  /** The server's own time of each call, where the benchmark's Redis lets us read its SLOWLOG; else null. */
  private final SlowLog slowLog;

  private ScriptCosts(Env env, int dead, int delayed, int ready, int samples) {
    this.dead = dead;
    this.delayed = delayed;
    this.ready = ready;
    this.samples = samples;
    this.redis = RedisConnections.create(env.asMap(), 8);
    this.queue = new JobQueue(redis, new QueueKeys("{bench:scripts:" + UUID.randomUUID().toString().substring(0, 8)
        + "}"));
    this.slowLog = SlowLog.open(env.string("REDIS_URL", "redis://127.0.0.1:6379"));
  }

  static ObjectNode run(Env env, int dead, int delayed, int ready, int samples) throws Exception {
    ScriptCosts b = new ScriptCosts(env, dead, delayed, ready, samples);
    try {
      return b.measure();
    } finally {
      b.queue.deleteAll();
      b.redis.shutdown();
      if (b.slowLog != null) {
        b.slowLog.close();
      }
    }
  }

  /**
   * Job records the sweep's steps checked, and steps: a step checks the records among the keys one SCAN of COUNT 100
   * returns, so its work is bounded by the count, not by the queue, but an "empty" queue's keyspace (reply keys,
   * structures, a few hundred records) gives it fewer records per step than a big queue's.
   */
  private final long[] sweepSeen = new long[2];

  private double sweepRecordsPerStep() {
    double perStep = sweepSeen[1] == 0 ? 0 : (double) sweepSeen[0] / sweepSeen[1];
    sweepSeen[0] = 0;
    sweepSeen[1] = 0;
    return perStep;
  }

  private String nextId() {
    return Integer.toString(++fresh);
  }

  /** One ready job per call, claimed (unmeasured), for the calls that need a lease. */
  private ClaimedJob leased() {
    queue.enqueue(nextId(), "bench");
    // the oldest ready job is the fill's on a full queue: retried/acked alike, it is a job with a lease
    return queue.claim(LEASE, "bench", 1).jobs().getFirst();
  }

  private String deadOrder() {
    ClaimedJob job = leased();
    queue.deadLetter(job, "exhausted", "HTTP 503 from 1C", 503, null);
    return job.orderId();
  }

  /** The calls, in the order measured; {@code full}: the big queue (ids of the fill to pick from). */
  private List<Call> calls(boolean full) {
    List<Call> calls = new ArrayList<>();
    calls.add(new Call("enqueue", i -> null, (i, s) -> queue.enqueue(nextId(), "bench")));
    calls.add(new Call("claim", i -> {
      queue.enqueue(nextId(), "bench");
      return null;
    }, (i, s) -> queue.claim(LEASE, "bench", 1)));
    calls.add(new Call("ack", i -> leased(), (i, s) -> queue.ackAll(List.of(
        new org.onecexporter.queue.model.Ack((ClaimedJob) s, "exported", Duration.ofMillis(5))))));
    calls.add(new Call("retry", i -> leased(), (i, s) -> queue.retryLater((ClaimedJob) s, Duration.ofHours(1),
        "HTTP 503", 503, null, false)));
    calls.add(new Call("deadletter", i -> leased(), (i, s) -> queue.deadLetter((ClaimedJob) s, "exhausted",
        "HTTP 503", 503, null)));
    calls.add(new Call("requeue_one", i -> full ? spread(i, 1) : deadOrder(),
        (i, s) -> queue.deadLetters().requeue((String) s)));
    calls.add(new Call("drop_one", i -> full ? spread(i, 2) : deadOrder(),
        (i, s) -> queue.deadLetters().drop((String) s)));
    calls.add(new Call("reconcile_100", i -> batch(full, i), (i, s) -> {
      @SuppressWarnings("unchecked")
      List<String> ids = (List<String>) s;
      queue.reconciliation().reconcileOrders(ids, "reconciler");
    }));
    SweepStep[] sweep = {SweepStep.from("0")};
    calls.add(new Call("sweep_step_100", i -> null, (i, s) -> {
      var step = queue.reconciliation().sweep(sweep[0]);
      sweep[0] = step;
      sweepSeen[0] += step.seen();
      sweepSeen[1]++;
    }));
    calls.add(new Call("stats", i -> null, (i, s) -> queue.stats()));
    calls.add(new Call("dlq_counts", i -> null, (i, s) -> queue.deadLetters().reasons()));
    return calls;
  }

  /** A dead order of the fill, spread over the DLQ (the oldest at its far end). */
  private String spread(int i, int salt) {
    return Integer.toString(1 + (int) ((long) (2 * (i + 1) + salt) * (dead - 1) / (2L * samples + 5)));
  }

  /**
   * 100 ids, one reconcile.lua call (the reconciler's batch of 500 goes in calls of 100): on the full queue 20 dead,
   * 20 ready, 60 without a job; on the empty one 100 without.
   */
  private List<String> batch(boolean full, int i) {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      ids.add(full ? Integer.toString(1 + (i * 20 + k) % dead) : nextId());
      ids.add(full ? Integer.toString(BigFill.READY_FROM + (i * 20 + k) % ready) : nextId());
    }
    for (int k = 0; k < 60; k++) {
      ids.add(nextId());
    }
    return ids;
  }

  private record Call(String name, java.util.function.IntFunction<Object> setUp, Step step) {}

  @FunctionalInterface
  private interface Step {
    void run(int i, Object setUp);
  }

  /**
   * {p50, max, the server's max, the server's p50} in ms of samples calls (each after its unmeasured set-up); one
   * unmeasured call first. The client's times include the round trip and this JVM's scheduling; the server's (SLOWLOG, -1 where it
   * cannot be read) is what the call kept Redis busy, every other client waiting.
   */
  private double[] time(Call call) {
    call.step().run(-1, call.setUp().apply(-1));
    double[] ms = new double[samples];
    double[] server = new double[samples];
    Arrays.fill(server, -1);
    for (int i = 0; i < samples; i++) {
      Object s = call.setUp().apply(i);
      if (slowLog != null) {
        slowLog.reset();
      }
      long t = System.nanoTime();
      call.step().run(i, s);
      ms[i] = (System.nanoTime() - t) / 1e6;
      if (slowLog != null) {
        server[i] = slowLog.maxMillis();
      }
    }
    Arrays.sort(ms);
    Arrays.sort(server);
    return new double[] {ms[samples / 2], ms[samples - 1], server[samples - 1], server[samples / 2]};
  }

  private ObjectNode measure() throws Exception {
    // A first pass over every call warms the JVM up (the empty queue would otherwise be timed with cold code),
    // then the empty queue is timed.
    for (Call c : calls(false)) {
      time(c);
    }
    queue.deleteAll();
    sweepRecordsPerStep();
    List<double[]> empty = new ArrayList<>();
    for (Call c : calls(false)) {
      empty.add(time(c));
    }
    double emptySweepRecords = sweepRecordsPerStep();
    queue.deleteAll();
    long t0 = System.nanoTime();
    BigFill.fill(redis, queue, dead, ready, delayed);
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    long calls0 = queue.scriptCalls();
    t0 = System.nanoTime();
    queue.reconciliation().reindex();
    double reindexSeconds = (System.nanoTime() - t0) / 1e9;
    long reindexCalls = queue.scriptCalls() - calls0;
    double worstRatio = 0;
    double worstMax = 0;
    List<Call> fullCalls = calls(true);
    for (int k = 0; k < fullCalls.size(); k++) {
      Call c = fullCalls.get(k);
      double[] f = time(c);
      double ratio = f[0] / Math.max(1e-3, empty.get(k)[0]);
      worstRatio = Math.max(worstRatio, ratio);
      worstMax = Math.max(worstMax, f[1]);
      ObjectNode row = MAPPER.createObjectNode();
      if (c.name().startsWith("sweep_step")) {
        // The same work compared: Redis time per record checked (see sweepSeen).
        double fullSweepRecords = sweepRecordsPerStep();
        row.put("empty_records_per_call", round(emptySweepRecords)).put("full_records_per_call", round(fullSweepRecords));
        if (f[3] >= 0 && emptySweepRecords > 0 && fullSweepRecords > 0) {
          row.put("ratio_server_p50_per_record",
              round((f[3] / fullSweepRecords) / Math.max(1e-6, empty.get(k)[3] / emptySweepRecords)));
        }
      }
      System.out.println(MAPPER.writeValueAsString(row.put("bench", "script_cost")
          .put("call", c.name()).put("dlq", dead).put("delayed", delayed).put("ready", ready).put("samples", samples)
          .put("empty_p50_ms", round(empty.get(k)[0])).put("empty_max_ms", round(empty.get(k)[1]))
          .put("full_p50_ms", round(f[0])).put("full_max_ms", round(f[1])).put("ratio_p50", round(ratio))
          .put("empty_server_max_ms", round(empty.get(k)[2])).put("full_server_max_ms", round(f[2]))
          .put("empty_server_p50_ms", round(empty.get(k)[3])).put("full_server_p50_ms", round(f[3]))
          .put("ratio_server_p50", f[3] < 0 ? -1 : round(f[3] / Math.max(1e-3, empty.get(k)[3])))));
    }
    ObjectNode purge = bulk("purge", () -> queue.deadLetters().purge());
    BigFill.fill(redis, queue, dead, 0, 0);
    queue.reconciliation().reindex();
    ObjectNode requeue = bulk("requeue_all", () -> queue.deadLetters().requeueAll());
    System.out.println(MAPPER.writeValueAsString(purge));
    System.out.println(MAPPER.writeValueAsString(requeue));
    return MAPPER.createObjectNode().put("bench", "script_cost_summary").put("dlq", dead).put("delayed", delayed)
        .put("ready", ready).put("fill_s", round(fillSeconds)).put("reindex_s", round(reindexSeconds))
        .put("reindex_calls", reindexCalls).put("worst_ratio_p50", round(worstRatio))
        .put("worst_max_ms", round(worstMax));
  }

  /** The payment path's enqueue, one after another, while {@code op} runs over the whole DLQ in bounded calls. */
  private ObjectNode bulk(String name, java.util.concurrent.Callable<Long> op) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Double> ms = new ArrayList<>();
    CompletableFuture<Void> payments = CompletableFuture.runAsync(() -> {
      while (running.get()) {
        long t = System.nanoTime();
        queue.enqueue(nextIdSync(), "bench");
        synchronized (ms) {
          ms.add((System.nanoTime() - t) / 1e6);
        }
      }
    });
    long calls0 = queue.scriptCalls();
    long t0 = System.nanoTime();
    long n;
    try {
      n = op.call();
    } finally {
      running.set(false);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    payments.get();
    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return MAPPER.createObjectNode().put("bench", "script_cost_bulk").put("op", name).put("entries", n)
        .put("seconds", round(seconds)).put("script_calls", queue.scriptCalls() - calls0 - sorted.length)
        .put("enqueues", sorted.length).put("enqueue_p50_ms", round(pct(sorted, 50)))
        .put("enqueue_p99_ms", round(pct(sorted, 99))).put("enqueue_max_ms", round(sorted[sorted.length - 1]));
  }

  private synchronized String nextIdSync() {
    return nextId();
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A queue from before the index, written by Lua loops of 10,000 (as BigQueueTest fills it). */
  static final class BigFill {
    static final int READY_FROM = 10_000_001;
    static final int DELAYED_FROM = 20_000_001;
    private static final String FILL = """
        local function dlq_entry(prefix, id)
          local h = redis.call('HMGET', prefix .. ':job:' .. id, 'invoice_number', 'attempts', 'first_error',
            'enqueued_at', 'stalls', 'infra_failures', 'reason', 'last_error', 'last_http_status', 'dead_at')
          return cjson.encode({
            order_id = id, invoice_number = h[1] or cjson.null, attempts = tonumber(h[2] or '0'),
            reason = h[7] or 'unknown', first_error = h[3] or h[8] or '', last_error = h[8] or '',
            last_http_status = tonumber(h[9] or '0') or 0, enqueued_at = tonumber(h[4] or '0'),
            dead_at = tonumber(h[10] or '0'), stalls = tonumber(h[5] or '0'), infra_failures = tonumber(h[6] or '0')})
        end
        local p, kind, from, to = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local now = tonumber(redis.call('TIME')[1]) * 1000
        for i = from, to do
          local id = tostring(i)
          local job = p .. ':job:' .. id
          if kind == 'dead' then
            redis.call('HSET', job, 'order_id', id, 'state', 'dead', 'reason', 'exhausted', 'attempts', 8,
              'stalls', 0, 'enqueued_at', now, 'dead_at', now, 'source', 'reconciler',
              'first_error', 'HTTP 503 from 1C: service unavailable',
              'last_error', 'HTTP 503 from 1C: service unavailable', 'last_http_status', 503)
            redis.call('LPUSH', p .. ':dlq', dlq_entry(p, id))
          elseif kind == 'ready' then
            redis.call('HSET', job, 'order_id', id, 'state', 'ready', 'attempts', 0, 'stalls', 0,
              'enqueued_at', now, 'source', 'enqueuer')
            redis.call('LPUSH', p .. ':ready', id)
          else
            redis.call('HSET', job, 'order_id', id, 'state', 'delayed', 'attempts', 1, 'stalls', 0,
              'enqueued_at', now, 'source', 'enqueuer', 'due_at', now + 86400000)
            redis.call('ZADD', p .. ':delayed', now + 86400000, id)
          end
        end
        if kind == 'dead' then
          redis.call('HINCRBY', p .. ':dlq_reasons', 'exhausted', to - from + 1)
        end
        return 1""";

    private BigFill() {}

    static void fill(RedissonClient redis, JobQueue queue, int dead, int ready, int delayed) {
      RScript script = redis.getScript(StringCodec.INSTANCE);
      Object[][] kinds = {{"dead", 1, dead}, {"ready", READY_FROM, ready}, {"delayed", DELAYED_FROM, delayed}};
      for (Object[] kind : kinds) {
        int first = (int) kind[1];
        int n = (int) kind[2];
        for (int from = first; from < first + n; from += 10_000) {
          script.eval(queue.keys().stats(), RScript.Mode.READ_WRITE, FILL, RScript.ReturnType.LONG,
              List.of(queue.keys().stats()), queue.keys().prefix(), (String) kind[0], Integer.toString(from),
              Integer.toString(Math.min(first + n - 1, from + 9_999)));
        }
      }
    }
  }
}
