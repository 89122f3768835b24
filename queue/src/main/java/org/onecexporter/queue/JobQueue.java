package org.onecexporter.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.onecexporter.queue.Scripts.Script;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The reliable job queue over plain Redis keys (see {@link QueueKeys}). Every move is one atomic Lua script;
 * every move that finishes or reschedules a job checks the caller's lease token, so a worker whose lease was
 * taken over can never ack, retry or dead-letter the job it lost.
 */
public final class JobQueue {
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final RScript script;
  private final Scripts scripts;

  /** Script calls this queue has made so far. */
  public long scriptCalls() {
    return scripts.calls();
  }

  public JobQueue(RedissonClient redis, QueueKeys keys) {
    this.redis = redis;
    this.keys = keys;
    this.script = redis.getScript(StringCodec.INSTANCE);
    this.scripts = new Scripts(redis, keys.stats());
    this.enqueueWaitNanos = RedisConnections.commandWait(redis) * 1_000_000;
  }

  public QueueKeys keys() {
    return keys;
  }

  public RedissonClient redis() {
    return redis;
  }

  /**
   * The result of asking for a job to be queued: {@code queued}, or the job the order already has and its
   * {@code state} (a {@link JobState#wire()} name).
   */
  public record EnqueueResult(boolean queued, String state) {
    public JobState jobState() {
      return JobState.fromWire(state);
    }
  }

  /** Values per job in a claim answer (includes/claim_jobs.lua): id, token, attempts, … traceparent. */
  private static final int CLAIM_FIELDS = 8;

  /**
   * A job leased to the caller. {@code orderId} is the raw text (a hand-pushed job may not be a number).
   * {@code probe}: the fleet knows 1C is down and this job is the one allowed to call it (see {@link #onecHealth}).
   * {@code traceparent}: the W3C trace context recorded at enqueue, or null.
   */
  public record ClaimedJob(String orderId, String token, int attempt, String invoiceNumber, long enqueuedAtMillis,
      boolean probe, int infraFailures, String traceparent) {
    public ClaimedJob(String orderId, String token, int attempt, String invoiceNumber, long enqueuedAtMillis) {
      this(orderId, token, attempt, invoiceNumber, enqueuedAtMillis, false, 0, null);
    }

    public ClaimedJob(String orderId, String token, int attempt, String invoiceNumber, long enqueuedAtMillis,
        boolean probe) {
      this(orderId, token, attempt, invoiceNumber, enqueuedAtMillis, probe, 0, null);
    }
  }

  /** A W3C {@code traceparent} header value (version 00), as recorded with a job; anything else is dropped. */
  private static final java.util.regex.Pattern TRACEPARENT =
      java.util.regex.Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  /** {@code traceparent} when it is a valid W3C value, else null (an invalid one is ignored, as W3C says). */
  public static String validTraceparent(String traceparent) {
    return traceparent != null && TRACEPARENT.matcher(traceparent).matches() ? traceparent : null;
  }

  /** What a claim answers: the {@link Jobs} leased to the caller, or {@link Empty} when none was ready. */
  public sealed interface ClaimResult permits Jobs, Empty {
    /** The jobs leased, oldest first; none for {@link Empty}. */
    List<ClaimedJob> jobs();
  }

  /** At least one job leased to the caller, oldest first. */
  public record Jobs(List<ClaimedJob> jobs) implements ClaimResult {
    public Jobs {
      jobs = List.copyOf(jobs);
    }
  }

  /** Nothing ready: how long until the next delayed job is due, or empty when none waits. */
  public record Empty(Optional<Duration> nextDue) implements ClaimResult {
    @Override
    public List<ClaimedJob> jobs() {
      return List.of();
    }
  }

  public EnqueueResult enqueue(String orderId, String source) {
    return enqueue(orderId, source, null);
  }

  /**
   * Queues one export unless the order already has a job. {@code traceparent}: the caller's W3C trace context,
   * kept with the job so that the worker continues the trace; null or an invalid value records none.
   *
   * <p>Callers that share this queue share its Redis calls (the payment processor's threads): a caller finding no
   * enqueue on the wire sends its own at once (enqueue.lua, no added wait); callers arriving while one is on the
   * wire join the next call, sent as soon as it answers: one enqueue_all.lua call for all of them (each id with its
   * own traceparent, each caller answered its own result; an id asked for twice is queued once). The wait is
   * bounded by the client's command timeout; a Redis failure fails every caller of that call.
   */
  public EnqueueResult enqueue(String orderId, String source, String traceparent) {
    String trace = validTraceparent(traceparent);
    PendingEnqueue mine = new PendingEnqueue(orderId, source, trace == null ? "" : trace,
        System.nanoTime() + enqueueWaitNanos, new CompletableFuture<>());
    watch(mine);
    boolean lead;
    synchronized (enqueueLock) {
      lead = enqueueOnWire < ENQUEUES_ON_WIRE;
      if (lead) {
        enqueueOnWire++;
      } else {
        enqueueWaiting.add(mine);
      }
    }
    if (lead) {
      send(List.of(mine));
    }
    return await(mine.result());
  }

  /** One caller of {@link #enqueue(String, String, String)}, its deadline and the answer it waits for. */
  private record PendingEnqueue(String orderId, String source, String trace, long deadlineNanos,
      CompletableFuture<EnqueueResult> result) {}

  /** Enqueue calls on the wire at once; callers arriving meanwhile wait for the next one. */
  static final int ENQUEUES_ON_WIRE = 1; // 2 measured slower: smaller batches, more wake-ups (issue 15)
  private final Object enqueueLock = new Object();
  private int enqueueOnWire;
  private ArrayList<PendingEnqueue> enqueueWaiting = new ArrayList<>();
  /** How long a caller waits for its answer: the client's command timeout (and its retries). */
  private final long enqueueWaitNanos;
  /**
   * Callers still waiting, for the watchdog that fails those past their deadline (one shared timer per queue
   * instead of a timed wait per caller, which costs each enqueue a timer of its own).
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<PendingEnqueue> enqueueOpen =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean watchdogStarted =
      new java.util.concurrent.atomic.AtomicBoolean();
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "onec-enqueue-watchdog");
        t.setDaemon(true);
        return t;
      });

  private void watch(PendingEnqueue pending) {
    enqueueOpen.add(pending);
    if (!watchdogStarted.get() && watchdogStarted.compareAndSet(false, true)) {
      // A weak reference: a queue nobody uses any more is not kept alive by its watchdog, which then stops.
      java.lang.ref.WeakReference<JobQueue> queue = new java.lang.ref.WeakReference<>(this);
      long period = Math.max(5, enqueueWaitNanos / 1_000_000 / 10);
      WATCHDOG.scheduleWithFixedDelay(() -> {
        JobQueue q = queue.get();
        if (q == null) {
          throw new java.util.concurrent.CancellationException("queue gone"); // ends the schedule
        }
        q.failOverdueEnqueues();
      }, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** The watchdog's round: callers past their deadline get a timeout; answered ones leave the list. */
  private void failOverdueEnqueues() {
    long now = System.nanoTime();
    for (var it = enqueueOpen.iterator(); it.hasNext(); ) {
      PendingEnqueue p = it.next();
      if (p.result().isDone()) {
        it.remove();
      } else if (now - p.deadlineNanos() > 0) {
        p.result().completeExceptionally(new org.redisson.client.RedisTimeoutException(
            "no answer from Redis to the enqueue in " + enqueueWaitNanos / 1_000_000 + " ms"));
        it.remove();
      }
    }
  }

  /**
   * Sends the callers' enqueues (enqueue.lua for one, enqueue_all.lua per source and {@link #BULK_BATCH} ids for
   * more); when every call has answered, the callers that arrived meanwhile go in the next send.
   */
  private void send(List<PendingEnqueue> batch) {
    List<CompletableFuture<?>> calls = new ArrayList<>(1);
    try {
      if (batch.size() == 1) {
        PendingEnqueue p = batch.get(0);
        calls.add(scripts.evalAsync(Script.ENQUEUE, List.of(keys.ready(), keys.wake(), keys.stats()), keys.prefix(),
            p.orderId(), p.source(), p.trace(), scripts.newCall()).toCompletableFuture().whenComplete((r, e) -> {
              if (e != null) {
                p.result().completeExceptionally(e);
              } else {
                p.result().complete(new EnqueueResult("queued".equals(r.get(0)), (String) r.get(1)));
              }
            }));
      } else {
        Map<String, List<PendingEnqueue>> bySource = new java.util.LinkedHashMap<>();
        for (PendingEnqueue p : batch) {
          bySource.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p);
        }
        for (List<PendingEnqueue> group : bySource.values()) {
          for (int from = 0; from < group.size(); from += BULK_BATCH) {
            List<PendingEnqueue> part = group.subList(from, Math.min(group.size(), from + BULK_BATCH));
            List<String> ids = new ArrayList<>(part.size());
            List<String> traces = new ArrayList<>(part.size());
            for (PendingEnqueue p : part) {
              ids.add(p.orderId());
              traces.add(p.trace());
            }
            calls.add(enqueueAllAsync(ids, traces, part.get(0).source()).toCompletableFuture()
                .whenComplete((results, e) -> {
                  for (int i = 0; i < part.size(); i++) {
                    if (e != null) {
                      part.get(i).result().completeExceptionally(e);
                    } else {
                      part.get(i).result().complete(results.get(i));
                    }
                  }
                }));
          }
        }
      }
    } catch (RuntimeException e) { // the client refused the call (shut down): this batch fails, the next goes on
      for (PendingEnqueue p : batch) {
        p.result().completeExceptionally(e);
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> sendWaiting());
  }

  /** A call on the wire has answered: send whoever arrived meanwhile, or let the next caller go at once. */
  private void sendWaiting() {
    List<PendingEnqueue> next;
    synchronized (enqueueLock) {
      enqueueWaiting.removeIf(p -> p.result().isDone()); // timed out while waiting
      if (enqueueWaiting.isEmpty()) {
        enqueueOnWire--;
        return;
      }
      next = enqueueWaiting;
      enqueueWaiting = new ArrayList<>();
    }
    send(next);
  }

  /**
   * The caller's answer. The wait needs no timer of its own: the watchdog fails it at its deadline (and every call
   * on the wire is bounded by the client's timeout anyway).
   */
  private static EnqueueResult await(CompletableFuture<EnqueueResult> result) {
    try {
      return result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw new QueueUnavailableException("Redis unavailable: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
      throw new QueueUnavailableException("interrupted while waiting for Redis", e);
    }
  }

  /** Order ids per script call of the bulk moves ({@link #enqueueAll}). */
  public static final int BULK_BATCH = 1000;

  /**
   * Queues an export for each order without a job, as {@link #enqueue} does one by one, in one script call per
   * {@link #BULK_BATCH} ids (enqueue_all.lua): for the reconciler after a Redis loss, {@code enqueue} with many ids.
   * Per id, in order: queued, or the state of the job it already has (an id given twice is queued once).
   */
  public List<EnqueueResult> enqueueAll(List<String> orderIds, String source) {
    List<EnqueueResult> results = new ArrayList<>(orderIds.size());
    for (int from = 0; from < orderIds.size(); from += BULK_BATCH) {
      List<String> batch = orderIds.subList(from, Math.min(orderIds.size(), from + BULK_BATCH));
      results.addAll(join(enqueueAllAsync(batch, null, source)));
    }
    return results;
  }

  /** One enqueue_all.lua call: ids with their traceparents ('' or null for none; {@code traces} null: none). */
  private CompletionStage<List<EnqueueResult>> enqueueAllAsync(List<String> ids, List<String> traces, String source) {
    String[] args = new String[3 + ids.size() * 2];
    args[0] = keys.prefix();
    args[1] = source;
    args[2] = scripts.newCall();
    for (int i = 0; i < ids.size(); i++) {
      String trace = traces == null ? null : traces.get(i);
      args[3 + 2 * i] = ids.get(i);
      args[4 + 2 * i] = trace == null ? "" : trace;
    }
    return scripts.evalAsync(Script.ENQUEUE_ALL, List.of(keys.ready(), keys.wake(), keys.stats()), args).thenApply(r -> {
      List<EnqueueResult> results = new ArrayList<>(r.size());
      for (Object o : r) {
        String answer = o.toString();
        results.add("queued".equals(answer) ? new EnqueueResult(true, JobState.READY.wire())
            : new EnqueueResult(false, answer));
      }
      return results;
    });
  }

  /** Leases the oldest ready job (after promoting due retries), or says when to look again. */
  public ClaimResult claim(Duration lease, String worker) {
    return claim(lease, worker, 1);
  }

  /**
   * Leases up to {@code max} of the oldest ready jobs in one call ({@link Jobs}), or says when to look again
   * ({@link Empty}).
   */
  public ClaimResult claim(Duration lease, String worker, int max) {
    // The call's token is also its request id: a resent call answers the same jobs (claim.lua's Replay).
    String token = UUID.randomUUID().toString();
    List<Object> r = scripts.eval(Script.CLAIM, List.of(keys.ready(), keys.delayed(), keys.active(), keys.wake(), keys.onecHealth()),
        keys.prefix(), token, Long.toString(lease.toMillis()), worker, Integer.toString(max));
    String first = (String) r.get(0);
    if (first.isEmpty()) {
      long next = Long.parseLong((String) r.get(1));
      return new Empty(next < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(next)));
    }
    return new Jobs(claimedJobs(r, 0));
  }

  /**
   * The jobs of a claim answer: {id, token, attempts, invoice_number, enqueued_at, probe, infra_failures,
   * traceparent} per job from {@code from} on. The job's lease token is the script's (numbered there only).
   */
  private static List<ClaimedJob> claimedJobs(List<Object> r, int from) {
    List<ClaimedJob> jobs = new ArrayList<>((r.size() - from) / CLAIM_FIELDS);
    for (int i = from; i + CLAIM_FIELDS - 1 < r.size(); i += CLAIM_FIELDS) {
      String invoice = (String) r.get(i + 3);
      String enqueued = (String) r.get(i + 4);
      String trace = (String) r.get(i + 7);
      jobs.add(new ClaimedJob((String) r.get(i), (String) r.get(i + 1), Integer.parseInt((String) r.get(i + 2)),
          invoice.isEmpty() ? null : invoice, enqueued.isEmpty() ? 0 : Long.parseLong(enqueued),
          "1".equals(r.get(i + 5)), Integer.parseInt(r.get(i + 6).toString()), trace.isEmpty() ? null : trace));
    }
    return jobs;
  }

  public boolean extend(ClaimedJob job, Duration lease) {
    return extendAll(List.of(job), lease)[0];
  }

  /** Renews the leases of many jobs in one call; per job, whether the lease was still ours. */
  public boolean[] extendAll(List<ClaimedJob> jobs, Duration lease) {
    if (jobs.isEmpty()) {
      return new boolean[0];
    }
    List<String> args = new ArrayList<>(2 + jobs.size() * 2);
    args.add(keys.prefix());
    args.add(Long.toString(lease.toMillis()));
    for (ClaimedJob job : jobs) {
      args.add(job.orderId());
      args.add(job.token());
    }
    List<Object> r = scripts.eval(Script.EXTEND, List.of(keys.active()), args.toArray(String[]::new));
    boolean[] result = new boolean[jobs.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = Scripts.move(r.get(i)) == MoveResult.DONE;
    }
    return result;
  }

  /** Done. {@code outcome} names the counter bumped in the stats hash (exported, already_exported, ...). */
  public boolean ack(ClaimedJob job, String outcome) {
    return ack(job, outcome, null);
  }

  /**
   * @param call how long the successful 1C call took, recorded for fleet-wide percentiles; null when none
   */
  public boolean ack(ClaimedJob job, String outcome, Duration call) {
    return ackAll(List.of(new Ack(job, outcome, call)))[0];
  }

  /** One finished job for {@link #ackAll}. */
  public record Ack(ClaimedJob job, String outcome, Duration call) {}

  /** Acks many jobs in one script call; per job, whether its lease token still held. */
  public boolean[] ackAll(List<Ack> acks) {
    return ackAllAsync(acks).toCompletableFuture().join();
  }

  /** {@link #ackAll} without waiting: several ack calls can be on the wire at once. */
  public CompletionStage<boolean[]> ackAllAsync(List<Ack> acks) {
    List<String> args = new ArrayList<>(3 + acks.size() * 4);
    args.add(keys.prefix());
    args.add(scripts.newCall());
    args.add(scripts.replayWindow());
    addAcks(args, acks);
    return scripts.evalAsync(Script.ACK, List.of(keys.active(), keys.stats(), keys.exportTimes(), keys.onecHealth(),
        keys.wake()), args.toArray(String[]::new))
        .thenApply(r -> {
          boolean[] result = new boolean[acks.size()];
          for (int i = 0; i < result.length; i++) {
            result[i] = Scripts.move(r.get(i)) == MoveResult.DONE;
          }
          return result;
        });
  }

  private static void addAcks(List<String> args, List<Ack> acks) {
    for (Ack a : acks) {
      args.add(a.job().orderId());
      args.add(a.job().token());
      args.add(a.outcome());
      args.add(a.call() == null ? "" : Long.toString(a.call().toMillis()));
    }
  }

  /** What {@link #ackAndClaim} did: per ack whether its lease still held, and the jobs leased in the same call. */
  public record AckClaim(boolean[] acked, List<ClaimedJob> claimed) {}

  /**
   * Acks many jobs and leases up to {@code max} new ones in one script call (a worker's slots go straight from
   * finished jobs to the next ones). {@code max} 0 acks only.
   */
  public AckClaim ackAndClaim(List<Ack> acks, Duration lease, String worker, int max) {
    return ackAndClaimAsync(acks, lease, worker, max).toCompletableFuture().join();
  }

  /** {@link #ackAndClaim} without waiting. */
  public CompletionStage<AckClaim> ackAndClaimAsync(List<Ack> acks, Duration lease, String worker, int max) {
    String token = UUID.randomUUID().toString();
    List<String> args = new ArrayList<>(5 + acks.size() * 4);
    args.add(keys.prefix());
    args.add(token);
    args.add(Long.toString(lease.toMillis()));
    args.add(worker);
    args.add(Integer.toString(max));
    addAcks(args, acks);
    return scripts.evalAsync(Script.ACK_CLAIM, List.of(keys.active(), keys.stats(), keys.exportTimes(), keys.ready(),
        keys.delayed(), keys.wake(), keys.onecHealth()), args.toArray(String[]::new)).thenApply(r -> {
          int n = (int) number(r.get(0));
          boolean[] acked = new boolean[n];
          for (int i = 0; i < n; i++) {
            acked[i] = Scripts.move(r.get(1 + i)) == MoveResult.DONE;
          }
          return new AckClaim(acked, claimedJobs(r, 1 + n));
        });
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

  /** Nearest-rank percentile. */
  static Optional<Duration> percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return Optional.of(Duration.ofMillis(sorted.get(Math.max(0, rank - 1))));
  }

  /**
   * Back into the delayed set for {@code delay}. With {@code refund}, the attempt does not count against the
   * schedule (1C was down for everyone, not failing on this order).
   */
  public boolean retryLater(ClaimedJob job, Duration delay, String error, int httpStatus, String invoiceNumber,
      boolean refund) {
    return retryLater(job, delay, error, httpStatus, invoiceNumber, refund, false);
  }

  /**
   * As above; {@code infra}: the failure was on our side (PostgreSQL, Redis) and is counted in the job record's
   * {@code infra_failures}, which the next claim returns ({@link ClaimedJob#infraFailures()}).
   */
  public boolean retryLater(ClaimedJob job, Duration delay, String error, int httpStatus, String invoiceNumber,
      boolean refund, boolean infra) {
    return done(scripts.eval(Script.RETRY, List.of(keys.active(), keys.delayed(), keys.stats()), keys.prefix(),
        scripts.newCall(), scripts.replayWindow(), job.orderId(), job.token(), Long.toString(delay.toMillis()), error, Integer.toString(httpStatus),
        invoiceNumber == null ? "" : invoiceNumber, refund ? "1" : "0", infra ? "1" : "0"));
  }

  public boolean deadLetter(ClaimedJob job, String reason, String error, int httpStatus, String invoiceNumber) {
    return done(scripts.eval(Script.DEADLETTER, List.of(keys.active(), keys.dlq(), keys.stats()), keys.prefix(),
        scripts.newCall(), scripts.replayWindow(), job.orderId(), job.token(), reason, error, Integer.toString(httpStatus), invoiceNumber == null ? "" : invoiceNumber));
  }

  /** Hands an unfinished job back to the front of the line without counting the attempt (shutdown). */
  public boolean release(ClaimedJob job) {
    return done(scripts.eval(Script.RELEASE, List.of(keys.active(), keys.ready(), keys.wake()), keys.prefix(),
        scripts.newCall(), scripts.replayWindow(), job.orderId(), job.token()));
  }

  /** What {@link #abandon} did with the job. */
  public enum Abandoned {
    /** Handed back: claimable again after the hold. */
    HELD,
    /** Its {@code maxStalls}-th stall: in the DLQ as {@code infrastructure}. */
    DEAD,
    /** The token was gone (the attempt finished, or another worker has the job): nothing changed. */
    GONE
  }

  /**
   * Hands back a job whose attempt this worker gave up (past JOB_TIMEOUT_SECONDS), without waiting for its lease to
   * run out: claimable by any worker after {@code hold}; counted as a stall, the {@code maxStalls}-th of which
   * dead-letters the job as {@code infrastructure}; the attempt is not counted. Token-checked.
   */
  public Abandoned abandon(ClaimedJob job, Duration hold, int maxStalls, String workerId, String error) {
    MoveResult r = Scripts.move(scripts.eval(Script.ABANDON, List.of(keys.active(), keys.delayed(), keys.dlq(),
        keys.stats()), keys.prefix(), scripts.newCall(), scripts.replayWindow(), job.orderId(), job.token(),
        Long.toString(hold.toMillis()), Integer.toString(maxStalls), workerId, error).get(0));
    return r == MoveResult.HELD ? Abandoned.HELD : r == MoveResult.DEAD ? Abandoned.DEAD : Abandoned.GONE;
  }

  /** Whether Redis answers a command on the queue's slot (a worker's probe of its own connection). */
  public boolean ping() {
    redis.getBucket(keys.stats()).isExists();
    return true;
  }

  /** Expired leases back to ready, or to the DLQ after {@code maxStalls} expiries. Returns how many moved. */
  public long reap(int maxStalls) {
    return number(scripts.eval(Script.REAP, List.of(keys.active(), keys.ready(), keys.dlq(), keys.stats(),
        keys.wake()), keys.prefix(), scripts.newCall(), scripts.replayWindow(), Integer.toString(maxStalls), "500"));
  }

  /**
   * What the reconciler's batch found for one order: {@code queued} (it had no job), or the {@code state} of the
   * job it has, {@code rehomed} when its structure entry had vanished and was put back; {@code reason}: a dead
   * job's DLQ reason, else null.
   */
  public record Reconciled(boolean queued, boolean rehomed, JobState state, String reason) {
    static Reconciled parse(String answer) {
      if (answer.equals("queued")) {
        return new Reconciled(true, false, JobState.READY, null);
      }
      if (answer.startsWith("rehomed:")) {
        return new Reconciled(false, true, JobState.fromWire(answer.substring(8)), null);
      }
      if (answer.startsWith(JobState.DEAD.wire() + ":")) {
        return new Reconciled(false, false, JobState.DEAD, answer.substring(JobState.DEAD.wire().length() + 1));
      }
      return new Reconciled(false, false, JobState.fromWire(answer), null);
    }
  }

  /**
   * The reconciler's batch: an order without a job record gets one; one with a record is checked where it lives
   * and re-homed when its structure entry vanished. One script call for the batch (the reconciler sends 500).
   */
  public List<Reconciled> reconcileOrders(List<String> orderIds, String source) {
    if (orderIds.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(4 + orderIds.size());
    args.add(keys.prefix());
    args.add(scripts.newCall());
    args.add(scripts.replayWindow());
    args.add(source);
    args.addAll(orderIds);
    List<Object> r = scripts.eval(Script.RECONCILE, homeKeys(), args.toArray(String[]::new));
    return r.stream().map(a -> Reconciled.parse(a.toString())).toList();
  }

  /** One step of the sweep over every job record: where the SCAN goes on, records seen, re-homed. */
  public record SweepStep(String cursor, long seen, long rehomed) {}

  /**
   * Checks up to about {@code count} job records from {@code cursor} on (a SCAN step, {@code "0"} to start) and
   * re-homes those whose structure entry vanished (a dead one back into the DLQ list, any other back into its
   * ready list or set).
   */
  public SweepStep sweep(String cursor, int count) {
    List<Object> r = scripts.eval(Script.REHOME, homeKeys(), keys.prefix(), scripts.newCall(), scripts.replayWindow(),
        cursor, Integer.toString(count));
    return new SweepStep(r.get(0).toString(), number(r.get(1)), number(r.get(2)));
  }

  private List<String> homeKeys() {
    return List.of(keys.ready(), keys.delayed(), keys.active(), keys.dlq(), keys.wake(), keys.stats());
  }

  /** The reconciler's cursor {@code name} (kept in Redis, so whichever worker runs next goes on), or the default. */
  public String reconcileCursor(String name, String defaultValue) {
    String value = redis.<String, String>getMap(keys.reconcile(), StringCodec.INSTANCE).get(name);
    return value == null ? defaultValue : value;
  }

  public void saveReconcileCursor(String name, String value) {
    redis.<String, String>getMap(keys.reconcile(), StringCodec.INSTANCE).fastPut(name, value);
  }

  /**
   * Redis' {@code maxmemory-policy} (on every master of a cluster, on the primary behind Sentinel; one that is not
   * {@code noeviction} wins), or empty when the server refuses CONFIG (a managed Redis may). The replicas behind
   * Sentinel are not asked (the client opens no connection to them): a promoted replica is read at the next start.
   */
  public Optional<String> maxmemoryPolicy() {
    try {
      List<org.redisson.api.redisnode.RedisNode> nodes = new ArrayList<>();
      org.redisson.config.Config config = redis.getConfig();
      if (config.isSentinelConfig()) {
        nodes.add(redis.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
      } else if (config.isClusterConfig()) {
        nodes.addAll(redis.getRedisNodes(org.redisson.api.redisnode.RedisNodes.CLUSTER).getMasters());
      } else {
        nodes.add(redis.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance());
      }
      String found = null;
      for (org.redisson.api.redisnode.RedisNode node : nodes) {
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

  /** DLQ entries looked at per requeue.lua call. */
  static final int REQUEUE_BATCH = 1000;

  /**
   * Requeues one order's DLQ entries; attempts reset. Returns how many.
   *
   * @throws IllegalArgumentException when {@code orderId} is not an order id ({@link OrderIds}); every entry is
   *     {@link #requeueAll()}, never an id that happens to be {@code *}
   */
  public long requeue(String orderId) {
    if (!OrderIds.valid(orderId)) {
      throw new IllegalArgumentException(OrderIds.INVALID);
    }
    return requeue(orderId, "", List.of());
  }

  /** Requeues every DLQ entry, whatever its reason; attempts reset. Returns how many. */
  public long requeueAll() {
    return requeue("*", "", List.of());
  }

  /** Requeues every DLQ entry of one reason (e.g. {@code exhausted} once 1C is back); attempts reset. */
  public long requeueReason(String reason) {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a reason is required");
    }
    return requeue("*", reason, List.of());
  }

  /**
   * Requeues the DLQ entries of many orders in one pass over the DLQ (the reconciler's orders whose payment came
   * after their job ran): one call per {@link #REQUEUE_BATCH} entries, not one pass per order. Returns how many.
   */
  public long requeueOrders(java.util.Collection<String> orderIds) {
    return orderIds.isEmpty() ? 0 : requeue("+", "", List.copyOf(new java.util.LinkedHashSet<>(orderIds)));
  }

  /**
   * The entries the DLQ holds now, oldest first, in calls of {@link #REQUEUE_BATCH} entries (each call atomic and
   * short, even for a DLQ of tens of thousands): entries that arrive meanwhile are not waited for.
   */
  private long requeue(String target, String reason, List<String> orderIds) {
    long requeued = 0;
    long skip = 0;
    long looked = 0;
    long length = -1;
    while (true) {
      List<String> args = new ArrayList<>(7 + orderIds.size());
      args.addAll(List.of(keys.prefix(), scripts.newCall(), scripts.replayWindow(), target, reason, Long.toString(skip),
          Integer.toString(REQUEUE_BATCH)));
      args.addAll(orderIds);
      List<Object> r = scripts.eval(Script.REQUEUE, List.of(keys.dlq(), keys.ready(), keys.wake(), keys.stats()),
          args.toArray(String[]::new));
      requeued += number(r.get(0));
      skip += number(r.get(1));
      long lookedNow = number(r.get(2));
      looked += lookedNow;
      if (length < 0) {
        length = number(r.get(3));
      }
      if (lookedNow == 0 || looked >= length) {
        return requeued;
      }
    }
  }

  public long purgeDlq() {
    return number(scripts.eval(Script.PURGE, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
        scripts.replayWindow()));
  }

  /** Drops one order's DLQ entry and its dead job record, leaving the rest of the DLQ alone. Returns how many. */
  public long dropFromDlq(String orderId) {
    return number(scripts.eval(Script.DROP, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
        scripts.replayWindow(), orderId));
  }

  /** Blocks up to {@code timeout} for a wake-up (an enqueue, a retry due, a released job). */
  public void awaitWork(Duration timeout) throws InterruptedException {
    awaitWork(timeout, null);
  }

  /** The blocking pop still on the wire from an earlier wait (see {@link #awaitWork(Duration, CompletableFuture)}). */
  private java.util.concurrent.CompletableFuture<String> pendingWake;

  /**
   * Blocks up to {@code timeout}, to the millisecond, for a wake-up from Redis or {@code nudge} (the caller's own
   * timer, e.g. a retry it scheduled). BLPOP's timeout is whole seconds (Redisson rounds 0.3 s up to 1 s and 1.5 s
   * down to 1 s), so the pop is sent for at least a second and the wait ends at the caller's deadline; a pop still
   * pending is reused by the next wait, and a token it took then wakes that wait at once.
   */
  public synchronized void awaitWork(Duration timeout, java.util.concurrent.CompletableFuture<?> nudge)
      throws InterruptedException {
    if (pendingWake == null) {
      long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
      pendingWake = redis.<String>getBlockingQueue(keys.wake(), StringCodec.INSTANCE)
          .pollAsync(seconds, TimeUnit.SECONDS).toCompletableFuture();
    }
    java.util.concurrent.CompletableFuture<?> any = nudge == null ? pendingWake
        : java.util.concurrent.CompletableFuture.anyOf(pendingWake, nudge);
    try {
      any.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // the deadline, not a wake-up: the pop stays pending for the next wait
    } catch (java.util.concurrent.ExecutionException e) {
      pendingWake = null;
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    if (pendingWake != null && pendingWake.isDone()) {
      pendingWake = null;
    }
  }

  /** One global 1C-call permit, or how long until one may free up. */
  public Optional<Duration> tryAcquirePermit(String permitId, int max, Duration lease) {
    Permit p = tryAcquirePermit(permitId, max, lease, null);
    return p.granted() ? Optional.empty() : Optional.of(p.retryIn());
  }

  /**
   * A permit answer: granted; or not yet ({@code retryIn}: until one may free up); or {@code oneCDown}: the fleet
   * knows 1C is down and this call is not its probe, so it must not be made ({@code retryIn}: the next probe).
   */
  public record Permit(boolean granted, boolean oneCDown, Duration retryIn) {}

  /**
   * One global 1C-call permit. {@code probeToken}: the lease token of the caller's job when it is the fleet's
   * probe ({@link ClaimedJob#probe()}), else null.
   */
  public Permit tryAcquirePermit(String permitId, int max, Duration lease, String probeToken) {
    List<Object> r = scripts.eval(Script.PERMIT_ACQUIRE, List.of(keys.permits(), keys.onecHealth()), permitId,
        Integer.toString(max), Long.toString(lease.toMillis()), probeToken == null ? "" : probeToken);
    String status = r.get(0).toString();
    return new Permit(status.equals("granted"), status.equals("onec_down"), Duration.ofMillis(number(r.get(1))));
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
  public Health onecHealth(HealthReport report, ClaimedJob job, int threshold, Duration open, Duration maxOpen) {
    List<Object> r = scripts.eval(Script.ONEC_HEALTH, List.of(keys.onecHealth(), keys.stats(), keys.wake()),
        keys.prefix(), scripts.newCall(), scripts.replayWindow(), report.name().toLowerCase(java.util.Locale.ROOT), job == null ? "" : job.token(),
        Integer.toString(threshold), Long.toString(open.toMillis()), Long.toString(maxOpen.toMillis()),
        job == null ? "" : job.orderId());
    return new Health("down".equals(r.get(0)), number(r.get(1)) == 1, Duration.ofMillis(number(r.get(2))));
  }

  /**
   * 1C's health as the fleet last recorded it ({@code P:onec_health}): {@code down} since when and the next probe,
   * {@code probing} while the probe's job holds its lease, {@code failures}: the current streak of transient failures.
   */
  public record OneCHealth(boolean down, boolean probing, long downSinceMillis, long nextProbeAtMillis,
      long failures) {}

  /** Reads {@link OneCHealth} (one HGETALL). */
  public OneCHealth onecHealthState() {
    Map<String, String> h = redis.<String, String>getMap(keys.onecHealth(), StringCodec.INSTANCE).readAllMap();
    return new OneCHealth("down".equals(h.get("state")), h.containsKey("probe"), longOr0(h.get("down_since")),
        longOr0(h.get("next_probe_at")), longOr0(h.get("failures")));
  }

  private static long longOr0(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public void awaitPermit(Duration timeout) throws InterruptedException {
    redis.<String>getBlockingQueue(keys.permitsWake(), StringCodec.INSTANCE)
        .poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  public void releasePermit(String permitId) {
    scripts.eval(Script.PERMIT_RELEASE, List.of(keys.permits(), keys.permitsWake()), permitId);
  }

  /** Who runs a fleet-wide periodic task this interval: true for exactly one caller per interval. */
  public boolean tryLock(String name, Duration interval, String owner) {
    return redis.<String>getBucket(keys.lock(name), StringCodec.INSTANCE).setIfAbsent(owner, interval);
  }

  /** Sizes, oldest waiting job and counters, for {@code onec-exporter stats}. */
  public record Stats(long ready, long delayed, long active, long dlq, Optional<Duration> oldestWaiting,
      Map<String, Long> counters) {}

  public Stats stats() {
    long ready = redis.getList(keys.ready(), StringCodec.INSTANCE).size();
    long delayed = redis.getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).size();
    long active = redis.getScoredSortedSet(keys.active(), StringCodec.INSTANCE).size();
    long dlq = redis.getList(keys.dlq(), StringCodec.INSTANCE).size();
    Map<String, Long> counters = new java.util.TreeMap<>();
    redis.<String, String>getMap(keys.stats(), StringCodec.INSTANCE).readAllMap()
        .forEach((k, v) -> counters.put(k, Long.parseLong(v)));
    return new Stats(ready, delayed, active, dlq, oldestWaiting(), counters);
  }

  private Optional<Duration> oldestWaiting() {
    long now = redisTimeMillis();
    long oldest = Long.MAX_VALUE;
    String head = redis.<String>getList(keys.ready(), StringCodec.INSTANCE).get(-1);
    if (head != null) {
      oldest = Math.min(oldest, enqueuedAt(head));
    }
    var firstDelayed = redis.<String>getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).entryRange(0, 0);
    for (var entry : firstDelayed) {
      oldest = Math.min(oldest, enqueuedAt(entry.getValue()));
    }
    return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, now - oldest)));
  }

  private long redisTimeMillis() {
    List<Object> t = script.eval(keys.stats(), RScript.Mode.READ_ONLY, "return redis.call('TIME')",
        RScript.ReturnType.LIST, List.of(keys.stats()));
    return Long.parseLong(t.get(0).toString()) * 1000 + Long.parseLong(t.get(1).toString()) / 1000;
  }

  private long enqueuedAt(String orderId) {
    String value = redis.<String, String>getMap(keys.job(orderId), StringCodec.INSTANCE).get("enqueued_at");
    return value == null ? Long.MAX_VALUE : Long.parseLong(value);
  }

  /** The job record of one order, empty when it has none. */
  public Map<String, String> job(String orderId) {
    return redis.<String, String>getMap(keys.job(orderId), StringCodec.INSTANCE).readAllMap();
  }

  /** DLQ entries as stored (JSON text), newest first. */
  public List<String> dlqRaw(int limit) {
    return dlqRaw(0, limit);
  }

  /** Up to {@code count} DLQ entries as stored, from position {@code from} (0: the newest); one bounded LRANGE. */
  public List<String> dlqRaw(long from, int count) {
    if (count <= 0 || from < 0) {
      return List.of();
    }
    return redis.<String>getList(keys.dlq(), StringCodec.INSTANCE).range((int) Math.min(Integer.MAX_VALUE, from),
        (int) Math.min(Integer.MAX_VALUE, from + count - 1));
  }

  /** How many entries the DLQ holds (LLEN). */
  public long dlqLength() {
    return redis.getList(keys.dlq(), StringCodec.INSTANCE).size();
  }

  /**
   * DLQ entries by reason, from the counts the scripts keep ({@code P:dlq_reasons}, see dlq_counts.lua): no entry
   * is read, except once when the counts are missing. Entries pushed by hand without a reason count as
   * {@code unreadable}.
   */
  public Map<String, Long> dlqReasons() {
    List<Object> flat = scripts.eval(Script.DLQ_COUNTS, List.of(keys.dlq()), keys.prefix());
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      counts.put(flat.get(i).toString(), number(flat.get(i + 1)));
    }
    return counts;
  }

  /** Deletes every key of this queue (tests, and simulating a Redis that lost its data). */
  public long deleteAll() {
    return redis.getKeys().deleteByPattern(keys.prefix().replace("{", "\\{").replace("}", "\\}") + ":*");
  }

  /** Waits for an async call as a synchronous one would: Redisson's exception, not a CompletionException. */
  private static <T> T join(CompletionStage<T> call) {
    try {
      return call.toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static boolean done(List<Object> result) {
    return Scripts.move(result.get(0)) == MoveResult.DONE;
  }

  private static long number(List<Object> result) {
    return Scripts.number(result.get(0));
  }

  private static long number(Object value) {
    return Scripts.number(value);
  }
}
