package org.onecexporter.queue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.EnqueueResult;
import org.onecexporter.queue.model.JobState;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.client.RedisTimeoutException;

/**
 * The single enqueues of the threads that share one queue (the payment processor's), sent together. A caller
 * finding no enqueue on the wire sends its own at once (enqueue.lua, no added wait); callers arriving while one is
 * on the wire join the next call, sent as soon as it answers: one enqueue_all.lua call for all of them (each id
 * with its own traceparent, each caller answered its own result; an id asked for twice is queued once). A caller
 * waits at most the client's command wait (a watchdog fails it then); a Redis failure fails every caller of that
 * call.
 */
final class EnqueueCoalescer {
  /** Order ids per script call of the bulk enqueue. */
  static final int BULK_BATCH = 1000;
  /** Enqueue calls on the wire at once; callers arriving meanwhile wait for the next one (2 measured slower). */
  private static final int ON_WIRE = 1;
  /**
   * One timer thread for every queue's watchdog (instead of a timed wait per caller, which costs each enqueue a
   * timer of its own).
   */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "onec-enqueue-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final Scripts scripts;
  private final QueueKeys keys;
  /** How long a caller waits for its answer: the client's command timeout (and its retries). */
  private final long waitNanos;
  private final Object lock = new Object();
  private int onWire;
  private ArrayList<Pending> waiting = new ArrayList<>();
  /** Callers still waiting, for the watchdog that fails those past their deadline. */
  private final ConcurrentLinkedQueue<Pending> open = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean watchdogStarted = new AtomicBoolean();

  /** One caller, its deadline and the answer it waits for. */
  private record Pending(String orderId, String source, String trace, long deadlineNanos,
      CompletableFuture<EnqueueResult> result) {}

  EnqueueCoalescer(Scripts scripts, QueueKeys keys, long waitMillis) {
    this.scripts = scripts;
    this.keys = keys;
    this.waitNanos = waitMillis * 1_000_000;
  }

  /** Queues one export (see the class comment); {@code trace}: a valid traceparent or null. */
  EnqueueResult enqueue(String orderId, String source, String trace) {
    return await(send(orderId, source, trace));
  }

  /**
   * As {@link #enqueue}, without waiting: the caller's thread only hands the enqueue over (to the wire, or to the
   * next call when one is on the wire). The future completes on a Redis I/O thread or the watchdog's, at the latest
   * at the client's command wait, exceptionally with a {@link QueueUnavailableException} when Redis failed.
   */
  CompletableFuture<EnqueueResult> enqueueAsync(String orderId, String source, String trace) {
    CompletableFuture<EnqueueResult> answer = new CompletableFuture<>();
    send(orderId, source, trace).whenComplete((r, e) -> {
      if (e == null) {
        answer.complete(r);
      } else {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e;
        answer.completeExceptionally(cause instanceof QueueUnavailableException ? cause
            : new QueueUnavailableException("Redis unavailable: " + cause.getMessage(), cause));
      }
    });
    return answer;
  }

  private CompletableFuture<EnqueueResult> send(String orderId, String source, String trace) {
    Pending mine = new Pending(orderId, source, trace == null ? "" : trace, System.nanoTime() + waitNanos,
        new CompletableFuture<>());
    watch(mine);
    boolean lead;
    synchronized (lock) {
      lead = onWire < ON_WIRE;
      if (lead) {
        onWire++;
      } else {
        waiting.add(mine);
      }
    }
    if (lead) {
      send(List.of(mine));
    }
    return mine.result();
  }

  /** One enqueue_all.lua call: ids with their traceparents ('' or null for none; {@code traces} null: none). */
  CompletionStage<List<EnqueueResult>> enqueueAll(List<String> ids, List<String> traces, String source) {
    String[] args = new String[3 + ids.size() * 2];
    args[0] = keys.prefix();
    args[1] = source;
    args[2] = scripts.newCall();
    for (int i = 0; i < ids.size(); i++) {
      String trace = traces == null ? null : traces.get(i);
      args[3 + 2 * i] = ids.get(i);
      args[4 + 2 * i] = trace == null ? "" : trace;
    }
    return scripts.evalAsync(Script.ENQUEUE_ALL, List.of(keys.ready(), keys.wake(), keys.stats()), args)
        .thenApply(r -> {
          List<EnqueueResult> results = new ArrayList<>(r.size());
          for (Object o : r) {
            String answer = o.toString();
            results.add("queued".equals(answer) ? new EnqueueResult(true, JobState.READY.wire())
                : new EnqueueResult(false, answer));
          }
          return results;
        });
  }

  private void watch(Pending pending) {
    open.add(pending);
    if (!watchdogStarted.get() && watchdogStarted.compareAndSet(false, true)) {
      // A weak reference: a queue nobody uses any more is not kept alive by its watchdog, which then stops.
      WeakReference<EnqueueCoalescer> self = new WeakReference<>(this);
      long period = Math.max(5, waitNanos / 1_000_000 / 10);
      WATCHDOG.scheduleWithFixedDelay(() -> {
        EnqueueCoalescer c = self.get();
        if (c == null) {
          throw new CancellationException("queue gone"); // ends the schedule
        }
        c.failOverdue();
      }, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** The watchdog's round: callers past their deadline get a timeout; answered ones leave the list. */
  private void failOverdue() {
    long now = System.nanoTime();
    for (var it = open.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.result().isDone()) {
        it.remove();
      } else if (now - p.deadlineNanos() > 0) {
        p.result().completeExceptionally(new RedisTimeoutException(
            "no answer from Redis to the enqueue in " + waitNanos / 1_000_000 + " ms"));
        it.remove();
      }
    }
  }

  /**
   * Sends the callers' enqueues (enqueue.lua for one, enqueue_all.lua per source and {@link #BULK_BATCH} ids for
   * more); when every call has answered, the callers that arrived meanwhile go in the next send.
   */
  private void send(List<Pending> batch) {
    List<CompletableFuture<?>> calls = new ArrayList<>(1);
    try {
      if (batch.size() == 1) {
        Pending p = batch.get(0);
        calls.add(scripts.evalAsync(Script.ENQUEUE, List.of(keys.ready(), keys.wake(), keys.stats()), keys.prefix(),
            p.orderId(), p.source(), p.trace(), scripts.newCall()).toCompletableFuture().whenComplete((r, e) -> {
              if (e != null) {
                p.result().completeExceptionally(e);
              } else {
                p.result().complete(new EnqueueResult("queued".equals(r.get(0)), (String) r.get(1)));
              }
            }));
      } else {
        Map<String, List<Pending>> bySource = new LinkedHashMap<>();
        for (Pending p : batch) {
          bySource.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p);
        }
        for (List<Pending> group : bySource.values()) {
          for (int from = 0; from < group.size(); from += BULK_BATCH) {
            List<Pending> part = group.subList(from, Math.min(group.size(), from + BULK_BATCH));
            List<String> ids = new ArrayList<>(part.size());
            List<String> traces = new ArrayList<>(part.size());
            for (Pending p : part) {
              ids.add(p.orderId());
              traces.add(p.trace());
            }
            calls.add(enqueueAll(ids, traces, part.get(0).source()).toCompletableFuture()
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
      for (Pending p : batch) {
        p.result().completeExceptionally(e);
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> sendWaiting());
  }

  /** A call on the wire has answered: send whoever arrived meanwhile, or let the next caller go at once. */
  private void sendWaiting() {
    List<Pending> next;
    synchronized (lock) {
      waiting.removeIf(p -> p.result().isDone()); // timed out while waiting
      if (waiting.isEmpty()) {
        onWire--;
        return;
      }
      next = waiting;
      waiting = new ArrayList<>();
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
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new QueueUnavailableException("Redis unavailable: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
      throw new QueueUnavailableException("interrupted while waiting for Redis", e);
    }
  }
}
