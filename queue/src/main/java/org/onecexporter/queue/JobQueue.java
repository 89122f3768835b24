package org.onecexporter.queue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.admin.DeadLetters;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.admin.Reconciliation;
import org.onecexporter.queue.fleet.FleetLock;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.fleet.WorkerHeartbeats;
import org.onecexporter.queue.model.Abandoned;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.AckClaim;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.model.MoveResult;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.model.Reaped;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The reliable job queue over plain Redis keys (see {@link QueueKeys} and ops/REDIS.md): a job's moves, each one
 * atomic Lua script; every move that finishes or reschedules a job checks the caller's lease token, so a worker
 * whose lease was taken over can never ack, retry or dead-letter the job it lost. Besides the moves it reads its own
 * jobs ({@link #stats()}, {@link #job}) and hands out the rooms that share its connection: {@link #deadLetters()},
 * {@link #reconciliation()}, {@link #queueStats()}, {@link #oneC()}, {@link #fleetLock()} and the workers'
 * heartbeats ({@link #recentWorkers}).
 */
public final class JobQueue {
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;
  private final EnqueueCoalescer coalescer;
  private final DeadLetters deadLetters;
  private final Reconciliation reconciliation;
  private final QueueStats queueStats;
  private final OneCGate oneC;
  private final FleetLock fleetLock;
  /** The blocking pop still on the wire from an earlier wait (see {@link #awaitWork}). */
  private CompletableFuture<String> pendingWake;

  public JobQueue(RedissonClient redis, QueueKeys keys) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = new Scripts(redis, keys.stats());
    this.coalescer = new EnqueueCoalescer(scripts, keys, RedisConnections.commandWait(redis));
    this.deadLetters = new DeadLetters(redis, keys, scripts);
    this.reconciliation = new Reconciliation(redis, keys, scripts);
    this.queueStats = new QueueStats(redis, keys, scripts);
    this.oneC = new OneCGate(redis, keys, scripts);
    this.fleetLock = new FleetLock(redis, keys);
  }

  public QueueKeys keys() {
    return keys;
  }

  public DeadLetters deadLetters() {
    return deadLetters;
  }

  public Reconciliation reconciliation() {
    return reconciliation;
  }

  public QueueStats queueStats() {
    return queueStats;
  }

  public OneCGate oneC() {
    return oneC;
  }

  public FleetLock fleetLock() {
    return fleetLock;
  }

  /** The workers seen within the last half minute ({@link WorkerHeartbeats#recent}). */
  public List<WorkerHeartbeats.Seen> recentWorkers(Clock clock) {
    return WorkerHeartbeats.recent(redis, keys, clock);
  }

  /** Script calls this queue has made so far. */
  public long scriptCalls() {
    return scripts.calls();
  }

  /**
   * Queues one export unless the order already has a job. {@code traceparent}: the caller's W3C trace context,
   * kept with the job so that the worker continues the trace; null or an invalid value records none. Callers that
   * share this queue share its Redis calls ({@link EnqueueCoalescer}).
   */
  public EnqueueResult enqueue(String orderId, String source, String traceparent) {
    return coalescer.enqueue(orderId, source, ClaimedJob.validTraceparent(traceparent));
  }

  /**
   * As {@link #enqueue(String, String, String)}, without waiting for Redis: the stage completes on a Redis I/O
   * thread (callbacks must not block), at the latest after the client's command wait, exceptionally with a {@link
   * QueueUnavailableException} when Redis failed or did not answer.
   */
  public CompletionStage<EnqueueResult> enqueueAsync(String orderId, String source, String traceparent) {
    return coalescer.enqueueAsync(orderId, source, ClaimedJob.validTraceparent(traceparent));
  }

  public EnqueueResult enqueue(String orderId, String source) {
    return enqueue(orderId, source, null);
  }

  /**
   * Queues an export for each order without a job, as {@link #enqueue} does one by one, in one script call per
   * 1,000 ids (enqueue_all.lua): for the reconciler after a Redis loss, {@code enqueue} with many ids. Per id, in
   * order: queued, or the state of the job it already has (an id given twice is queued once).
   */
  public List<EnqueueResult> enqueueAll(List<String> orderIds, String source) {
    List<EnqueueResult> results = new ArrayList<>(orderIds.size());
    for (int from = 0; from < orderIds.size(); from += EnqueueCoalescer.BULK_BATCH) {
      List<String> batch = orderIds.subList(from, Math.min(orderIds.size(), from + EnqueueCoalescer.BULK_BATCH));
      results.addAll(join(coalescer.enqueueAll(batch, null, source)));
    }
    return results;
  }

  /** Leases up to {@code max} of the oldest ready jobs in one call, or says when to look again. */
  public ClaimResult claim(Duration lease, String worker, int max) {
    // The call's token is also its request id: a resent call answers the same jobs (claim.lua's Replay).
    String token = UUID.randomUUID().toString();
    List<Object> r = scripts.eval(Script.CLAIM, List.of(keys.ready(), keys.delayed(), keys.active(), keys.wake(),
        keys.onecHealth(), keys.outageWaits()), keys.prefix(), token, Long.toString(lease.toMillis()), worker, Integer.toString(max));
    String first = (String) r.get(0);
    if (first.isEmpty()) {
      long next = Long.parseLong((String) r.get(1));
      return new ClaimResult.Empty(next < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(next)));
    }
    return new ClaimResult.Jobs(ClaimedJob.fromWire(r, 0));
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
    return done(scripts.eval(Script.EXTEND, List.of(keys.active()), args.toArray(String[]::new)), 0, jobs.size());
  }

  /** Acks many jobs in one script call; per job, whether its lease token still held. */
  public boolean[] ackAll(List<Ack> acks) {
    return join(ackAllAsync(acks));
  }

  /** {@link #ackAll} without waiting: several ack calls can be on the wire at once. */
  public CompletionStage<boolean[]> ackAllAsync(List<Ack> acks) {
    List<String> args = new ArrayList<>(3 + acks.size() * 4);
    args.add(keys.prefix());
    args.add(scripts.newCall());
    args.add(scripts.replayWindow());
    addAcks(args, acks);
    return scripts.evalAsync(Script.ACK, List.of(keys.active(), keys.stats(), keys.exportTimes(), keys.onecHealth(),
        keys.wake()), args.toArray(String[]::new)).thenApply(r -> done(r, 0, acks.size()));
  }

  /**
   * Acks many jobs and leases up to {@code max} new ones in one script call (a worker's slots go straight from
   * finished jobs to the next ones). {@code max} 0 acks only.
   */
  public AckClaim ackAndClaim(List<Ack> acks, Duration lease, String worker, int max) {
    return join(ackAndClaimAsync(acks, lease, worker, max));
  }

  /** {@link #ackAndClaim} without waiting. */
  public CompletionStage<AckClaim> ackAndClaimAsync(List<Ack> acks, Duration lease, String worker, int max) {
    List<String> args = new ArrayList<>(5 + acks.size() * 4);
    args.add(keys.prefix());
    args.add(UUID.randomUUID().toString()); // the token, also the call's request id (ack_claim.lua's Replay)
    args.add(Long.toString(lease.toMillis()));
    args.add(worker);
    args.add(Integer.toString(max));
    addAcks(args, acks);
    return scripts.evalAsync(Script.ACK_CLAIM, List.of(keys.active(), keys.stats(), keys.exportTimes(), keys.ready(),
        keys.delayed(), keys.wake(), keys.onecHealth(), keys.outageWaits()), args.toArray(String[]::new)).thenApply(r -> {
          int n = (int) Scripts.number(r.get(0));
          return new AckClaim(done(r, 1, n), ClaimedJob.fromWire(r, 1 + n));
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
    return retryLater(job, delay, error, httpStatus, invoiceNumber, refund, infra, false);
  }

  /**
   * As above; {@code reachedOneC}: the attempt got as far as its call to 1C and lived to settle, which proves the job
   * does not take its worker down: the record's stall count starts again (WORKER_MAX_STALLS counts expiries in a
   * row). A wait decided before the call (the permits full, 1C down for the fleet) leaves it.
   */
  public boolean retryLater(ClaimedJob job, Duration delay, String error, int httpStatus, String invoiceNumber,
      boolean refund, boolean infra, boolean reachedOneC) {
    return move(Script.RETRY, List.of(keys.active(), keys.delayed(), keys.stats(), keys.onecHealth(),
        keys.outageWaits()), job.orderId(), job.token(),
        Long.toString(delay.toMillis()), error, Integer.toString(httpStatus), invoiceNumber == null ? "" : invoiceNumber,
        refund ? "1" : "0", infra ? "1" : "0", reachedOneC ? "1" : "0") == MoveResult.DONE;
  }

  public boolean deadLetter(ClaimedJob job, String reason, String error, int httpStatus, String invoiceNumber) {
    return move(Script.DEADLETTER, List.of(keys.active(), keys.dlq(), keys.stats()), job.orderId(), job.token(),
        reason, error, Integer.toString(httpStatus), invoiceNumber == null ? "" : invoiceNumber) == MoveResult.DONE;
  }

  /** Hands an unfinished job back to the front of the line without counting the attempt (shutdown). */
  public boolean release(ClaimedJob job) {
    return move(Script.RELEASE, List.of(keys.active(), keys.ready(), keys.wake()), job.orderId(), job.token())
        == MoveResult.DONE;
  }

  /**
   * Hands back a job whose attempt this worker gave up (past JOB_TIMEOUT_SECONDS), without waiting for its lease to
   * run out: claimable by any worker after {@code hold}; counted as a stall, the {@code maxStalls}-th of which
   * dead-letters the job as {@code infrastructure}; the attempt is not counted. Token-checked.
   */
  public Abandoned abandon(ClaimedJob job, Duration hold, int maxStalls, String workerId, String error) {
    MoveResult r = move(Script.ABANDON, List.of(keys.active(), keys.delayed(), keys.dlq(), keys.stats()),
        job.orderId(), job.token(), Long.toString(hold.toMillis()), Integer.toString(maxStalls), workerId, error);
    return r == MoveResult.HELD ? Abandoned.HELD : r == MoveResult.DEAD ? Abandoned.DEAD : Abandoned.GONE;
  }

  /** A token-checked move of one job: the script's arguments after prefix, call and replay window. */
  private MoveResult move(Script script, List<String> keyList, String... args) {
    String[] all = new String[3 + args.length];
    all[0] = keys.prefix();
    all[1] = scripts.newCall();
    all[2] = scripts.replayWindow();
    System.arraycopy(args, 0, all, 3, args.length);
    return Scripts.move(scripts.eval(script, keyList, all).get(0));
  }

  /** Expired leases back to ready, or to the DLQ after {@code maxStalls} expiries in a row. Returns how many moved. */
  public long reap(int maxStalls) {
    return reapJobs(maxStalls).moved();
  }

  /** {@link #reap}, answering which jobs went back to ready and which to the DLQ (at most 500 a call). */
  public Reaped reapJobs(int maxStalls) {
    List<Object> r = scripts.eval(Script.REAP, List.of(keys.active(), keys.ready(), keys.dlq(), keys.stats(),
        keys.wake()), keys.prefix(), scripts.newCall(), scripts.replayWindow(), Integer.toString(maxStalls), "500");
    int back = (int) Scripts.number(r.get(1));
    List<String> ids = r.subList(2, r.size()).stream().map(Object::toString).toList();
    return new Reaped(ids.subList(0, back), ids.subList(back, ids.size()));
  }

  /**
   * Blocks up to {@code timeout}, to the millisecond, for a wake-up from Redis (an enqueue, a retry due, a released
   * job) or {@code nudge} (the caller's own timer, e.g. a retry it scheduled; may be null). BLPOP's timeout is whole
   * seconds (Redisson rounds 0.3 s up to 1 s and 1.5 s down to 1 s), so the pop is sent for at least a second and
   * the wait ends at the caller's deadline; a pop still pending is reused by the next wait, and a token it took then
   * wakes that wait at once.
   */
  public synchronized void awaitWork(Duration timeout, CompletableFuture<?> nudge) throws InterruptedException {
    if (pendingWake == null) {
      long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
      pendingWake = redis.<String>getBlockingQueue(keys.wake(), StringCodec.INSTANCE)
          .pollAsync(seconds, TimeUnit.SECONDS).toCompletableFuture();
    }
    CompletableFuture<?> any = nudge == null ? pendingWake : CompletableFuture.anyOf(pendingWake, nudge);
    try {
      any.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // the deadline, not a wake-up: the pop stays pending for the next wait
    } catch (ExecutionException e) {
      pendingWake = null;
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    if (pendingWake != null && pendingWake.isDone()) {
      pendingWake = null;
    }
  }

  /** Whether Redis answers a command on the queue's slot (a probe of the connection); throws when it does not. */
  public boolean ping() {
    redis.getBucket(keys.stats()).isExists();
    return true;
  }

  /** Sizes, oldest waiting job and counters ({@link QueueStats#stats()}). */
  public QueueStats.Stats stats() {
    return queueStats.stats();
  }

  /** The job record of one order, empty when it has none. */
  public Map<String, String> job(String orderId) {
    return redis.<String, String>getMap(keys.job(orderId), StringCodec.INSTANCE).readAllMap();
  }

  /** Deletes every key of this queue (tests, and simulating a Redis that lost its data). */
  public long deleteAll() {
    return redis.getKeys().deleteByPattern(keys.prefix().replace("{", "\\{").replace("}", "\\}") + ":*");
  }

  /** Per value from {@code from} on, {@code n} of them: whether the move answered {@code done}. */
  private static boolean[] done(List<Object> answers, int from, int n) {
    boolean[] done = new boolean[n];
    for (int i = 0; i < n; i++) {
      done[i] = Scripts.move(answers.get(from + i)) == MoveResult.DONE;
    }
    return done;
  }

  /** Waits for an async call as a synchronous one would: Redisson's exception, not a CompletionException. */
  private static <T> T join(CompletionStage<T> call) {
    try {
      return call.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
