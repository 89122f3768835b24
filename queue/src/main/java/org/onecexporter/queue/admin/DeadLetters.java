package org.onecexporter.queue.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.Scripts;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The dead-letter queue ({@code P:dlq}): read it, requeue, drop or purge its entries. */
public final class DeadLetters {
  /** DLQ entries looked at per requeue.lua call. */
  static final int REQUEUE_BATCH = 1000;
  /** DLQ entries dropped per purge.lua call. */
  static final int PURGE_BATCH = 500;
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;

  public DeadLetters(RedissonClient redis, QueueKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

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
  public long requeueOrders(Collection<String> orderIds) {
    return orderIds.isEmpty() ? 0 : requeue("+", "", List.copyOf(new LinkedHashSet<>(orderIds)));
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
    }
  }

  /**
   * Empties the DLQ and drops the dead job records, oldest entries first, {@link #PURGE_BATCH} a call (each call
   * short however large the DLQ; entries that arrive meanwhile are not waited for). Returns how many entries went.
   */
  public long purge() {
    long target = length();
    long purged = 0;
    while (purged < target) {
      List<Object> r = scripts.eval(Script.PURGE, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
          scripts.replayWindow(), Long.toString(Math.min(PURGE_BATCH, target - purged)));
      long dropped = Scripts.number(r.get(0));
      purged += dropped;
      if (dropped == 0 || Scripts.number(r.get(1)) == 0) {
        return purged;
      }
    }
    return purged;
  }

  /** Drops one order's DLQ entry and its dead job record, leaving the rest of the DLQ alone. Returns how many. */
  public long drop(String orderId) {
    return Scripts.number(scripts.eval(Script.DROP, List.of(keys.dlq()), keys.prefix(), scripts.newCall(),
        scripts.replayWindow(), orderId).get(0));
  }

  /** Up to {@code count} DLQ entries as stored (JSON), from position {@code from} (0: the newest); one LRANGE. */
  public List<String> raw(long from, int count) {
    if (count <= 0 || from < 0) {
      return List.of();
    }
    return redis.<String>getList(keys.dlq(), StringCodec.INSTANCE).range((int) Math.min(Integer.MAX_VALUE, from),
        (int) Math.min(Integer.MAX_VALUE, from + count - 1));
  }

  /** How many entries the DLQ holds (LLEN). */
  public long length() {
    return redis.getList(keys.dlq(), StringCodec.INSTANCE).size();
  }

  /**
   * DLQ entries by reason, from the counts the scripts keep ({@code P:dlq_reasons}, see dlq_counts.lua): no entry
   * is read, except once when the counts are missing. Entries pushed by hand without a reason count as
   * {@code unreadable}.
   */
  public Map<String, Long> reasons() {
    List<Object> flat = scripts.eval(Script.DLQ_COUNTS, List.of(keys.dlq()), keys.prefix());
    Map<String, Long> counts = new TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      counts.put(flat.get(i).toString(), Scripts.number(flat.get(i + 1)));
    }
    return counts;
  }
}
