package org.onecexporter.bench;

import static org.onecexporter.json.Json.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.JobState;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;

/**
 * {@code bench weekend}: 1C down from Friday night to Monday. {@code jobs} paid orders arrive (the payment path's
 * enqueue, oldest first) while 1C answers 502 to every call; {@code workers} real worker processes ({@code java -jar
 * cli.jar worker}) wait through it; then 1C comes back and the backlog drains. Measured: the calls that reached the
 * dead 1C, the attempts counted on the waiting jobs when 1C came back, Redis memory per waiting job (every job record
 * and the lists that hold them, {@code MEMORY USAGE}), the drain rate against cap ÷ latency in the first minute and
 * over the whole drain, how far the export order strays from the payment order, the DLQ, 1C's duplicates and every
 * worker's RSS from start to end. BullMQ's memory per waiting job is bench/bullmq/backlog.mjs, on the same Redis in
 * the same ops/bench step.
 */
final class WeekendOutage {
  record Settings(int jobs, int workers, int concurrency, int cap, long latencyMillis, int outageSeconds,
      int circuitOpenSeconds, String cliJar, List<String> workerJvmFlags, String emulatorRoot, Path logDir) {}

  private final Settings s;
  private final Env env;

  WeekendOutage(Env env, Settings settings) {
    this.env = env;
    this.s = settings;
  }

  /** RSS of every worker process at one instant, MB. */
  private record Sample(long atMillis, String phase, long[] rssMb) {}

  ObjectNode run() throws Exception {
    EmulatorControl emulator = new EmulatorControl(s.emulatorRoot());
    emulator.reset();
    emulator.latency(s.latencyMillis());
    ObjectNode r = MAPPER.createObjectNode().put("bench", "weekend_outage").put("jobs", s.jobs())
        .put("workers", s.workers()).put("worker_concurrency", s.concurrency()).put("onec_cap", s.cap())
        .put("latency_ms", s.latencyMillis()).put("outage_hold_s", s.outageSeconds())
        .put("circuit_open_s", s.circuitOpenSeconds()).put("worker_jvm_flags", String.join(" ", s.workerJvmFlags()));
    List<Process> workers = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    AtomicReference<String> phase = new AtomicReference<>("idle");
    long t0 = System.currentTimeMillis();
    try (BenchSupport.Fixture fixture = BenchSupport.fixture(env, emulator.baseUrl(), s.cap(), s.concurrency())) {
      try {
        // Friday: the workers have been exporting (warm code, pools open) before 1C goes down. Those orders are
        // ids above jobs and are left out of the weekend's figures.
        int friday = Math.max(100, Math.min(1_000, s.jobs() / 20));
        fixture.insertPaidOrders(s.jobs() + friday);
        JobQueue queue = fixture.queue();
        QueueKeys keys = queue.keys();
        for (int i = 1; i <= s.workers(); i++) {
          workers.add(startWorker(fixture, keys, i));
        }
        awaitWorkersUp(fixture.redis(), keys, s.workers(), Duration.ofSeconds(120));
        for (int id = s.jobs() + 1; id <= s.jobs() + friday; id++) {
          queue.enqueue(Integer.toString(id), "friday");
        }
        fixture.awaitExported(friday, Duration.ofMinutes(5));
        r.put("friday_orders_exported_before_the_outage", friday);
        // Friday night, 1C goes down: every call answers 502, as a 1C server behind a proxy whose upstream is gone.
        emulator.reset();
        emulator.faults("{\"probabilities\":{\"error_502\":1.0},\"latency_ms\":" + s.latencyMillis() + "}");
        sampler.scheduleAtFixedRate(() -> samples.add(new Sample(System.currentTimeMillis() - t0, phase.get(),
            workers.stream().mapToLong(WeekendOutage::rssMb).toArray())), 0, 1, TimeUnit.SECONDS);
        phase.set("idle");
        Thread.sleep(3_000);
        long usedBefore = usedMemory(fixture.redis());

        // Friday night: the orders arrive, oldest first, through the payment path's asynchronous enqueue.
        phase.set("orders_arrive");
        long enqueueStart = System.nanoTime();
        enqueueInOrder(queue, s.jobs());
        double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
        r.put("enqueue_per_s", Math.round(s.jobs() / enqueueSeconds));
        // The weekend: the fleet waits while 1C stays down.
        phase.set("outage");
        Thread.sleep(s.outageSeconds() * 1000L);
        long usedQueued = usedMemory(fixture.redis());
        ObjectNode memory = r.putObject("redis_memory");
        memoryPerJob(fixture.redis(), keys, s.jobs(), memory);
        if (usedBefore > 0 && usedQueued > 0) {
          memory.put("used_memory_delta_bytes_per_job", Math.round((usedQueued - usedBefore) / (double) s.jobs()));
        }
        ObjectNode waiting = r.putObject("when_onec_came_back");
        attemptsOnWaitingJobs(fixture.redis(), keys, s.jobs(), waiting);
        JsonNode outageCalls = emulator.received();
        waiting.put("calls_to_dead_onec", outageCalls.size());
        waiting.put("dlq", queue.stats().dlq());

        // Monday: 1C is back.
        emulator.faults("{\"probabilities\":{},\"latency_ms\":" + s.latencyMillis() + "}");
        long backMicros = nowMicros();
        phase.set("drain");
        long drainStart = System.nanoTime();
        fixture.awaitExported(s.jobs() + friday, Duration.ofMinutes(Math.max(10, s.jobs() / 2_000)));
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        phase.set("drained");
        Thread.sleep(1_500);
        sampler.shutdown();
        sampler.awaitTermination(5, TimeUnit.SECONDS);

        ObjectNode drain = r.putObject("drain");
        drain.put("seconds", Math.round(drainSeconds * 10) / 10.0);
        rates(emulator.received(), backMicros, drain);
        order(fixture, s.jobs(), r.putObject("export_order"));
        ObjectNode end = r.putObject("at_the_end");
        end.put("dlq", queue.stats().dlq());
        JsonNode stats = emulator.stats();
        end.put("invoices_in_onec", stats.path("invoices").asLong()).put("created", stats.path("created").asLong())
            .put("answered_existing", stats.path("existing").asLong())
            .put("exported_in_database", (long) fixture.jdbi().<Long, RuntimeException>withHandle(h -> h.createQuery(
                "SELECT count(*) FROM orders WHERE invoice_exported_to_1c AND id <= :jobs").bind("jobs", s.jobs())
                .mapTo(Long.class).one()));
        rss(samples, r.putObject("worker_rss_mb"));
        checks(r);
        return r;
      } finally {
        // The workers stop before the fixture drops the schema and the queue's keys (a worker still running would
        // write its heartbeat again under the removed prefix).
        sampler.shutdownNow();
        stop(workers);
      }
    } finally {
      emulator.reset();
    }
  }

  private static void stop(List<Process> workers) throws InterruptedException {
    for (Process p : workers) {
      p.destroy();
    }
    for (Process p : workers) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process startWorker(BenchSupport.Fixture fixture, QueueKeys keys, int n) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(s.workerJvmFlags());
    command.addAll(List.of("-jar", s.cliJar(), "worker"));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> e = pb.environment();
    e.put("DATABASE_URL", fixture.jdbcUrl());
    if (fixture.databaseConfig().user() != null) {
      e.put("DATABASE_USER", fixture.databaseConfig().user());
    }
    if (fixture.databaseConfig().password() != null) {
      e.put("DATABASE_PASSWORD", fixture.databaseConfig().password());
    }
    e.put("QUEUE_PREFIX", keys.prefix());
    e.put("ONEC_BASE_URL", s.emulatorRoot() + "/unf");
    e.putIfAbsent("ONEC_USERNAME", "Администратор");
    e.putIfAbsent("ONEC_PASSWORD", "пароль");
    e.put("WORKER_ID", "weekend-" + n);
    e.put("WORKER_CONCURRENCY", Integer.toString(s.concurrency()));
    e.put("ONEC_MAX_CONCURRENCY", Integer.toString(s.cap()));
    e.put("WORKER_HTTP_PORT", "0");
    e.put("CIRCUIT_OPEN_SECONDS", Integer.toString(s.circuitOpenSeconds()));
    // The reconciler would find the same orders the payment path queued: left out, so that every job here is one
    // the payment path made (its cost on a large backlog is issue 23's first item).
    e.put("RECONCILE_INTERVAL_SECONDS", "3600");
    e.put("RECONCILE_MIN_AGE_SECONDS", "3600");
    e.put("LOG_DIR", s.logDir().resolve("bench-weekend-worker-" + n).toString());
    File out = s.logDir().resolve("bench-weekend-worker-" + n + ".out").toFile();
    pb.redirectErrorStream(true).redirectOutput(out);
    return pb.start();
  }

  /** Until every worker has published its heartbeat. */
  private static void awaitWorkersUp(RedissonClient redis, QueueKeys keys, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (redis.getKeys().countExists(keys.workers()) > 0
          && redis.getMap(keys.workers(), StringCodec.INSTANCE).size() >= count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(count + " workers not up within " + timeout);
  }

  /** Ids 1..n, in order, with 64 enqueues in flight (as a payment processor's threads call it). */
  private static void enqueueInOrder(JobQueue queue, int n) throws InterruptedException {
    Semaphore inFlight = new Semaphore(64);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 1; i <= n && failure.get() == null; i++) {
      inFlight.acquire();
      queue.enqueueAsync(Integer.toString(i), "weekend", null).whenComplete((x, e) -> {
        if (e != null) {
          failure.compareAndSet(null, e);
        }
        inFlight.release();
      });
    }
    inFlight.acquire(64);
    if (failure.get() != null) {
      throw new IllegalStateException("an enqueue failed", failure.get());
    }
  }

  private static long usedMemory(RedissonClient redis) {
    try {
      String used = redis.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.MEMORY)
          .get("used_memory");
      return used == null ? -1 : Long.parseLong(used.trim());
    } catch (RuntimeException e) {
      return -1; // a cluster, or INFO refused
    }
  }

  private static final String MEMORY_USAGE = """
      local total = 0
      for _, key in ipairs(KEYS) do
        total = total + (redis.call('MEMORY', 'USAGE', key, 'SAMPLES', 0) or 0)
      end
      return total""";

  /**
   * Bytes per waiting job: the mean {@code MEMORY USAGE} of 1,000 job records spread over the backlog, plus the
   * lists and sets that hold them (ready, delayed, active) divided by the number of jobs. {@code MEMORY USAGE} counts
   * one key's own allocation, so the figure holds on a Redis other programs use during the run.
   */
  static void memoryPerJob(RedissonClient redis, QueueKeys keys, int jobs, ObjectNode out) {
    RScript script = redis.getScript(StringCodec.INSTANCE);
    int sample = Math.min(1_000, jobs);
    List<Object> jobKeys = new ArrayList<>();
    for (int k = 0; k < sample; k++) {
      jobKeys.add(keys.job(Long.toString(1 + (long) k * jobs / sample)));
    }
    long records = script.<Long>eval(keys.ready(), RScript.Mode.READ_ONLY, MEMORY_USAGE, RScript.ReturnType.LONG,
        jobKeys);
    long holders = script.<Long>eval(keys.ready(), RScript.Mode.READ_ONLY, MEMORY_USAGE, RScript.ReturnType.LONG,
        List.<Object>of(keys.ready(), keys.delayed(), keys.active()));
    double perRecord = records / (double) sample;
    double perEntry = holders / (double) jobs;
    out.put("job_record_bytes", Math.round(perRecord)).put("queue_entry_bytes", Math.round(perEntry * 10) / 10.0)
        .put("bytes_per_job", Math.round(perRecord + perEntry)).put("sampled_records", sample);
    // One record's fields, for the write-up.
    Map<String, String> one = redis.<String, String>getMap(keys.job("1"), StringCodec.INSTANCE).readAllMap();
    out.put("record_fields", String.join(",", one.keySet()));
  }

  /**
   * Every waiting job's attempts counter, read before 1C comes back: the outage must not have spent them. A claim
   * counts the attempt and a refunded failure gives it back, so a probe in flight while the records are read shows
   * one attempt for a few milliseconds (a quick run counted one so, 2026-12-07 17:08 UTC): a job found active is
   * read again once it has left 'active' (at most 10 s), and counted as it is then.
   */
  private static void attemptsOnWaitingJobs(RedissonClient redis, QueueKeys keys, int jobs, ObjectNode out)
      throws InterruptedException {
    AttemptCount count = new AttemptCount();
    List<String> active = new ArrayList<>();
    for (int from = 1; from <= jobs; from += 5_000) {
      List<String> ids = new ArrayList<>();
      for (int id = from; id < from + 5_000 && id <= jobs; id++) {
        ids.add(Integer.toString(id));
      }
      Map<String, Map<String, String>> read = attemptsAndState(redis, keys, ids);
      for (String id : ids) {
        if (!count.settled(read.get(id))) {
          active.add(id);
        }
      }
    }
    int inFlight = active.size();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!active.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      Map<String, Map<String, String>> read = attemptsAndState(redis, keys, active);
      List<String> still = new ArrayList<>();
      for (String id : active) {
        if (!count.settled(read.get(id))) {
          still.add(id);
        }
      }
      active = still;
    }
    // Still active after 10 s: counted as they are.
    attemptsAndState(redis, keys, active).values().forEach(count::add);
    out.put("jobs_with_attempts_counted", count.withAttempts).put("max_attempts_counted", count.maxAttempts)
        .put("job_records_missing", count.missing).put("jobs_in_flight_when_read", inFlight);
  }

  /** Waiting jobs' attempts, as counted from their records. */
  private static final class AttemptCount {
    long withAttempts;
    long maxAttempts;
    long missing;

    /** Counts a record unless it is active (a probe in flight): then answers false, to be read again. */
    boolean settled(Map<String, String> record) {
      if (JobState.ACTIVE.wire().equals(record.get("state"))) {
        return false;
      }
      add(record);
      return true;
    }

    void add(Map<String, String> record) {
      String attempts = record.get("attempts");
      if (attempts == null) {
        missing++; // no record: exported or dropped, nothing waits with an attempt
        return;
      }
      long n = Long.parseLong(attempts);
      withAttempts += n > 0 ? 1 : 0;
      maxAttempts = Math.max(maxAttempts, n);
    }
  }

  private static Map<String, Map<String, String>> attemptsAndState(RedissonClient redis, QueueKeys keys,
      List<String> ids) {
    RBatch batch = redis.createBatch(BatchOptions.defaults());
    Map<String, RFuture<Map<String, String>>> answers = new java.util.LinkedHashMap<>();
    for (String id : ids) {
      answers.put(id, batch.<String, String>getMap(keys.job(id), StringCodec.INSTANCE)
          .getAllAsync(java.util.Set.of("attempts", "state")));
    }
    batch.execute();
    Map<String, Map<String, String>> read = new java.util.HashMap<>();
    answers.forEach((id, a) -> read.put(id, a.toCompletableFuture().join()));
    return read;
  }

  /** The drain at 1C: first minute and whole, against cap ÷ latency, from the emulator's own arrival times. */
  private void rates(JsonNode received, long backMicros, ObjectNode out) {
    List<Long> at = new ArrayList<>();
    for (JsonNode r : received) {
      long micros = r.get("at_micros").asLong();
      if (micros >= backMicros && "none".equals(r.path("fault").asText())) {
        at.add(micros);
      }
    }
    at.sort(null);
    double limit = s.cap() * 1000.0 / s.latencyMillis();
    out.put("limit_per_s", limit).put("calls_after_onec_came_back", at.size());
    if (at.isEmpty()) {
      return;
    }
    long first = at.get(0);
    long last = at.get(at.size() - 1);
    out.put("seconds_from_onec_back_to_first_call", Math.round((first - backMicros) / 1e5) / 10.0);
    // Calls arriving in [first, first + window): window = the first minute, or the whole drain when shorter.
    double whole = (last - first) / 1e6 + s.latencyMillis() / 1000.0;
    double window = Math.min(60.0, whole);
    long inWindow = at.stream().filter(t -> t < first + (long) (window * 1e6)).count();
    double firstRate = inWindow / window;
    out.put("first_window_s", Math.round(window * 10) / 10.0)
        .put("first_window_per_s", Math.round(firstRate * 10) / 10.0)
        .put("first_window_percent_of_limit", Math.round(firstRate / limit * 1000) / 10.0)
        .put("whole_drain_per_s", Math.round(at.size() / whole * 10) / 10.0)
        .put("whole_drain_percent_of_limit", Math.round(at.size() / whole / limit * 1000) / 10.0);
    // The first ten seconds alone: a herd (every worker's claim at once) or a slow ramp shows here.
    long inTen = at.stream().filter(t -> t < first + 10_000_000L).count();
    double ten = Math.min(10.0, whole);
    out.put("first_10s_percent_of_limit", Math.round(inTen / ten / limit * 1000) / 10.0);
  }

  /**
   * How far the export order strays from the payment order: rank of each order by export time against its id (ids
   * were paid and queued in order). A worker runs up to concurrency attempts at once and the cap lets them through
   * in the order the permits come, so a few ranks either way are the design; a newest-first queue would show
   * displacements of the order of the backlog.
   */
  private static void order(BenchSupport.Fixture fixture, int jobs, ObjectNode out) {
    List<Long> ids = fixture.jdbi().withHandle(h -> h.createQuery(
        "SELECT id FROM orders WHERE invoice_exported_to_1c AND id <= :jobs ORDER BY invoice_exported_at, id")
        .bind("jobs", jobs).mapTo(Long.class).list());
    long[] displacement = new long[ids.size()];
    Integer[] byDisplacement = new Integer[ids.size()];
    for (int rank = 0; rank < ids.size(); rank++) {
      displacement[rank] = Math.abs(ids.get(rank) - 1 - rank);
      byDisplacement[rank] = rank;
    }
    // The five orders furthest from their place: which ones strayed (the outage's probes, its first failures).
    Arrays.sort(byDisplacement, (a, b) -> Long.compare(displacement[b], displacement[a]));
    ArrayNode worst = out.putArray("most_displaced_id_rank");
    for (int k = 0; k < Math.min(5, ids.size()); k++) {
      worst.addArray().add(ids.get(byDisplacement[k])).add(byDisplacement[k] + 1);
    }
    Arrays.sort(displacement);
    if (displacement.length == 0) {
      return;
    }
    out.put("p50_rank_displacement", displacement[displacement.length / 2])
        .put("p99_rank_displacement", displacement[(int) Math.min(displacement.length - 1, displacement.length * 0.99)])
        .put("max_rank_displacement", displacement[displacement.length - 1]);
    // The first and last tenth of the exports: the oldest orders go first.
    int tenth = Math.max(1, ids.size() / 10);
    out.put("mean_id_first_tenth", Math.round(ids.subList(0, tenth).stream().mapToLong(Long::longValue).average()
        .orElse(0))).put("mean_id_last_tenth", Math.round(ids.subList(ids.size() - tenth, ids.size()).stream()
        .mapToLong(Long::longValue).average().orElse(0)));
  }

  private static void rss(ConcurrentLinkedQueue<Sample> samples, ObjectNode out) {
    ArrayNode series = out.putArray("series");
    long idle = -1;
    long atBack = -1;
    long drainMax = -1;
    long end = -1;
    long firstDrainAt = -1;
    List<Sample> drain = new ArrayList<>();
    for (Sample x : samples) {
      long total = Arrays.stream(x.rssMb()).max().orElse(0); // the largest worker
      if (x.phase().equals("idle") || x.phase().equals("orders_arrive") && idle < 0) {
        idle = total;
      }
      if (x.phase().equals("outage")) {
        atBack = total;
      }
      if (x.phase().equals("drain")) {
        if (firstDrainAt < 0) {
          firstDrainAt = x.atMillis();
        }
        drain.add(x);
        drainMax = Math.max(drainMax, total);
      }
      end = total;
      series.addArray().add(x.atMillis() / 1000).add(x.phase()).add(total);
    }
    // Steady state: the drain's RSS once its first tenth (or first 30 s) is over, against its end.
    long steady = -1;
    long steadyMax = -1;
    long steadyMin = Long.MAX_VALUE;
    for (Sample x : drain) {
      long t = x.atMillis() - firstDrainAt;
      long last = drain.get(drain.size() - 1).atMillis() - firstDrainAt;
      if (t >= Math.min(30_000, last / 10)) {
        long v = Arrays.stream(x.rssMb()).max().orElse(0);
        if (steady < 0) {
          steady = v;
        }
        steadyMax = Math.max(steadyMax, v);
        steadyMin = Math.min(steadyMin, v);
      }
    }
    out.put("idle_before_orders", idle).put("after_the_outage_backlog_queued", atBack).put("drain_max", drainMax)
        .put("drain_steady_first", steady).put("drain_steady_min", steadyMin == Long.MAX_VALUE ? -1 : steadyMin)
        .put("drain_steady_max", steadyMax).put("end", end);
  }

  private void checks(ObjectNode r) {
    ObjectNode c = r.putObject("checks");
    JsonNode waiting = r.get("when_onec_came_back");
    JsonNode drain = r.get("drain");
    JsonNode end = r.get("at_the_end");
    JsonNode rss = r.get("worker_rss_mb");
    c.put("no attempt spent on the outage (attempts counted on waiting jobs: 0)",
        waiting.get("jobs_with_attempts_counted").asLong() == 0);
    c.put("first minute at >= 95 % of the 1C limit",
        drain.path("first_window_percent_of_limit").asDouble() >= 95.0);
    // Oldest first, within seconds: an attempt waits for a fleet-wide permit among the others in flight (whichever
    // worker gets it), and the outage's failed probes wait out the probe rotation (2 x the probe interval), so a few
    // orders go a few seconds late; a newest-first queue would put the p99 at the size of the backlog.
    long fiveSeconds = Math.round(s.cap() * 1000.0 / s.latencyMillis() * 5);
    c.put("oldest first (p99 rank displacement <= 5 s of drain at the limit, " + fiveSeconds + " ranks)",
        r.get("export_order").path("p99_rank_displacement").asLong() <= fiveSeconds);
    c.put("nothing in the DLQ", end.get("dlq").asLong() == 0 && waiting.get("dlq").asLong() == 0);
    c.put("every order exported once (1C created = jobs, none twice)", end.get("created").asLong() == s.jobs()
        && end.get("exported_in_database").asLong() == s.jobs());
    long idle = rss.get("idle_before_orders").asLong();
    long queued = rss.get("after_the_outage_backlog_queued").asLong();
    c.put("worker RSS flat while the backlog waits (after the outage within +-10 % of idle)",
        idle > 0 && Math.abs(queued - idle) <= idle / 10);
    long steady = rss.get("drain_steady_first").asLong();
    c.put("worker RSS flat through the drain (steady state within +-10 %)", steady > 0
        && rss.get("drain_steady_max").asLong() <= steady * 11 / 10
        && rss.get("drain_steady_min").asLong() >= steady * 9 / 10);
  }

  private static long rssMb(Process p) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
    return -1;
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
