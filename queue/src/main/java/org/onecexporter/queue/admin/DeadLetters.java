package org.onecexporter.queue.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.onecexporter.queue.JobIds;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.Scripts;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The dead-letter queue ({@code P:dead}, a sorted set of order ids by dead_at; the entries rendered from the dead
 * job records): read it, requeue, drop or purge its entries. The DLQ list of older versions ({@code P:dlq}) is
 * moved into it by reindex.lua's walk, which every operation here runs first (one short call once it is empty).
 */
public final class DeadLetters {
  /**
   * DLQ entries looked at per requeue.lua call: about 0.2 ms a call, however large the DLQ (a requeued entry costs
   * twice a purged one: its record rewritten and its id pushed onto the ready list).
   */
  static final int REQUEUE_BATCH = 10;
  /** DLQ entries dropped per purge.lua call. */
  static final int PURGE_BATCH = 20;
  /**
   * Least pause between two calls of a bulk move (requeue of every entry or of a reason, purge); the pause is as
   * long as the call before it took, when longer: Redis is busy with the move at most half of the time, and the
   * payment path's enqueues go between the calls instead of queueing behind calls back to back.
   */
  static final long BULK_PAUSE_NANOS = 200_000;
  /** DLQ entries rendered per dlq_page.lua call. */
  static final int PAGE = 200;
  /** Entries (ready ids, DLQ entries) looked at per reindex.lua call: a few ms each, however long the list. */
  static final int REINDEX_BATCH = 200;
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;

  public DeadLetters(RedissonClient redis, QueueKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  /**
   * Requeues one job's DLQ entries (an order's export, or {@code cancel:<id>} for its invoice's cancellation);
   * attempts reset. Returns how many.
   *
   * @throws IllegalArgumentException when {@code orderId} is not a job id ({@link JobIds}); every entry is
   *     {@link #requeueAll()}, never an id that happens to be {@code *}
   */
  public long requeue(String orderId) {
    if (!JobIds.valid(orderId)) {
      throw new IllegalArgumentException(OrderIds.INVALID);
    }
    return requeueByRecord(List.of(orderId));
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
   * Requeues the DLQ entries of many orders (the reconciler's orders whose payment came after their job ran), found
   * by their dead records: no other entry is read; one call per order, each one ZREM (requeue.lua's target
   * {@code =}). Returns how many.
   */
  public long requeueOrders(Collection<String> orderIds) {
    return orderIds.isEmpty() ? 0 : requeueByRecord(List.copyOf(new LinkedHashSet<>(orderIds)));
  }

  private long requeueByRecord(List<String> orderIds) {
    indexed();
    long requeued = 0;
    for (String id : orderIds) {
      List<Object> r = scripts.eval(Script.REQUEUE, List.of(keys.dlq(), keys.ready(), keys.wake(), keys.stats()),
          keys.prefix(), scripts.newCall(), scripts.replayWindow(), "=", "", "0", "1", id);
      requeued += Scripts.number(r.get(0));
    }
    return requeued;
  }

  /**
   * The entries the DLQ holds now, oldest first, in calls of {@link #REQUEUE_BATCH} entries (each call atomic and
   * short, even for a DLQ of tens of thousands): entries that arrive meanwhile are not waited for.
   */
  private long requeue(String target, String reason, List<String> orderIds) {
    indexed();
    long requeued = 0;
    long skip = 0;
    long looked = 0;
    long length = -1;
    while (true) {
      List<String> args = new ArrayList<>(7 + orderIds.size());
      args.addAll(List.of(keys.prefix(), scripts.newCall(), scripts.replayWindow(), target, reason, Long.toString(skip),
          Integer.toString(REQUEUE_BATCH)));
      args.addAll(orderIds);
      long started = System.nanoTime();
      List<Object> r = scripts.eval(Script.REQUEUE, List.of(keys.dlq(), keys.ready(), keys.wake(), keys.stats()),
          args.toArray(String[]::new));
      long took = System.nanoTime() - started;
      requeued += Scripts.number(r.get(0));
      skip += Scripts.number(r.get(1));
      long lookedNow = Scripts.number(r.get(2));
      looked += lookedNow;
      if (length < 0) {
        length = Scripts.number(r.get(3));
      }
      if (lookedNow == 0 || looked >= length) {
        return requeued;
      }
      pause(took);
    }
  }

  private static void pause(long lastCallNanos) {
    LockSupport.parkNanos(Math.max(BULK_PAUSE_NANOS, lastCallNanos));
  }

  /**
   * Empties the DLQ and drops the dead job records, oldest entries first, {@link #PURGE_BATCH} a call (each call
   * short however large the DLQ; entries that arrive meanwhile are not waited for). Returns how many entries went.
   */
  public long purge() {
    indexed();
    long target = length();
    long purged = 0;
    while (purged < target) {
      long started = System.nanoTime();
      List<Object> r = scripts.eval(Script.PURGE, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
          scripts.replayWindow(), Long.toString(Math.min(PURGE_BATCH, target - purged)));
      long took = System.nanoTime() - started;
      long dropped = Scripts.number(r.get(0));
      purged += dropped;
      if (dropped == 0 || Scripts.number(r.get(1)) == 0) {
        return purged;
      }
      pause(took);
    }
    return purged;
  }

  /**
   * Drops one order's DLQ entries and its dead job record, leaving the rest of the DLQ alone; found by the record
   * (an entry whose record vanished stays, for requeue all or purge). Returns how many.
   */
  public long drop(String orderId) {
    indexed();
    return Scripts.number(scripts.eval(Script.DROP, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
        scripts.replayWindow(), orderId).get(0));
  }

  /**
   * Up to {@code count} DLQ entries (JSON, rendered from the dead records), from position {@code from} (0: the
   * newest); dlq_page.lua, one call per {@link #PAGE} entries (entries dead-lettered between two calls shift the
   * positions: a long listing may show an entry twice).
   */
  public List<String> raw(long from, int count) {
    List<String> out = new ArrayList<>();
    long position = from;
    while (count > 0 && from >= 0 && out.size() < count) {
      int want = Math.min(PAGE, count - out.size());
      List<Object> r = scripts.eval(Script.DLQ_PAGE, List.of(keys.dlq(), keys.legacyDlq(), keys.dlqUnreadable()),
          keys.prefix(), Long.toString(position), Integer.toString(want));
      r.subList(1, r.size()).forEach(e -> out.add(e.toString()));
      position += r.size() - 1;
      if (r.size() - 1 < want) {
        break;
      }
    }
    return out;
  }

  /** How many entries the DLQ holds (ZCARD, with the old list's and the unreadable entries). */
  public long length() {
    List<Object> n = redis.getScript(StringCodec.INSTANCE).eval(keys.dlq(), RScript.Mode.READ_ONLY, LENGTH,
        RScript.ReturnType.LIST, List.of(keys.dlq(), keys.legacyDlq(), keys.dlqUnreadable()));
    return Scripts.number(n.get(0));
  }

  /** The same count as stats.lua's (includes/dlq_size), read-only so it may go to a replica. */
  private static final String LENGTH = Scripts.assemble("includes/dlq_size")
      + "\nreturn {dlq_size(KEYS[1], KEYS[2], KEYS[3])}";

  /**
   * DLQ entries by reason, from the counts the scripts keep ({@code P:dlq_reasons}, see dlq_counts.lua): no entry
   * is read, except when the counts cannot be trusted (a DLQ written before them, a list edited by hand): then the
   * DLQ is counted again in calls of {@link #REINDEX_BATCH} entries. Entries pushed by hand without a reason count
   * as {@code unreadable}.
   */
  public Map<String, Long> reasons() {
    List<Object> flat = counts();
    if (Scripts.number(flat.get(0)) == 0) {
      walk(scripts, keys, "dlq");
      flat = counts();
    }
    Map<String, Long> counts = new TreeMap<>();
    for (int i = 1; i + 1 < flat.size(); i += 2) {
      counts.put(flat.get(i).toString(), Scripts.number(flat.get(i + 1)));
    }
    return counts;
  }

  private List<Object> counts() {
    return scripts.eval(Script.DLQ_COUNTS, List.of(keys.dlq(), keys.dlqReasons(), keys.indexes(), keys.legacyDlq(),
        keys.dlqUnreadable()));
  }

  /**
   * Before a drop, requeue or purge: the old DLQ list moved into the sorted set (reindex.lua's {@code dlq_move}).
   * One short call when done.
   */
  private void indexed() {
    walk(scripts, keys, "dlq_move");
  }

  /**
   * Runs reindex.lua's walk over the ready list or the DLQ to its end, {@link #REINDEX_BATCH} entries a call; gives
   * up (false) after enough calls for four times the DLQ's size, when removals from the DLQ keep starting its count
   * again (a purge under way elsewhere): the next caller goes on.
   */
  static boolean walk(Scripts scripts, QueueKeys keys, String which) {
    List<String> walkKeys = List.of(keys.ready(), keys.dlq(), keys.dlqReasons(), keys.dlqReasonsWalk(), keys.indexes(),
        keys.legacyDlq(), keys.dlqUnreadable());
    long limit = -1;
    for (long calls = 1; limit < 0 || calls <= limit; calls++) {
      List<Object> r = scripts.eval(Script.REINDEX, walkKeys, keys.prefix(), which, Integer.toString(REINDEX_BATCH));
      if (Scripts.number(r.get(0)) == 1) {
        return true;
      }
      if (limit < 0) {
        limit = 4 * (Scripts.number(r.get(2)) / REINDEX_BATCH + 1);
      }
    }
    return false;
  }
}
