package org.onecexporter.queue.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.onecexporter.queue.Scripts;
import org.onecexporter.queue.Scripts.Script;
import org.onecexporter.queue.model.JobState;
import org.onecexporter.queue.model.QueueKeys;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The reconciler's moves: paid orders without a job get one, and job records whose structure entry vanished are
 * put back (re-homed); its cursors live in Redis, so whichever worker runs next goes on.
 */
public final class Reconciliation {
  private final RedissonClient redis;
  private final QueueKeys keys;
  private final Scripts scripts;

  public Reconciliation(RedissonClient redis, QueueKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  /**
   * What the batch found for one order: {@code queued} (it had no job), or the {@code state} of the job it has,
   * {@code rehomed} when its structure entry had vanished and was put back; {@code reason}: a dead job's DLQ
   * reason, else null.
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

  /** Orders per reconcile.lua call: about 1 ms a call on a loaded machine (500 took 5 ms). */
  static final int RECONCILE_CALL = 100;

  /**
   * The reconciler's batch: an order without a job record gets one; one with a record is checked where it lives
   * and re-homed when its structure entry vanished. One script call per {@link #RECONCILE_CALL} orders (the
   * reconciler sends 500), not one round trip per order, and no call long enough to hold an enqueue.
   */
  public List<Reconciled> reconcileOrders(List<String> orderIds, String source) {
    List<Reconciled> out = new ArrayList<>(orderIds.size());
    for (int from = 0; from < orderIds.size(); from += RECONCILE_CALL) {
      List<String> chunk = orderIds.subList(from, Math.min(orderIds.size(), from + RECONCILE_CALL));
      List<String> args = new ArrayList<>(4 + chunk.size());
      args.add(keys.prefix());
      args.add(scripts.newCall());
      args.add(scripts.replayWindow());
      args.add(source);
      args.addAll(chunk);
      List<Object> r = scripts.eval(Script.RECONCILE, homeKeys(), args.toArray(String[]::new));
      r.forEach(a -> out.add(Reconciled.parse(a.toString())));
    }
    return out;
  }

  /**
   * Stamps the records the ready list and the DLQ held before the stamps existed, and counts the DLQ again when its
   * counts do not add up (reindex.lua's walks, a few hundred entries a call): until then a reconcile batch or a
   * sweep takes an unstamped record for at home. One short call per list once done; the reconciler runs it before
   * its batches. Returns false when the DLQ's walk was started again too often to finish (the next run goes on).
   */
  public boolean reindex() {
    return DeadLetters.walk(scripts, keys, "ready_list") & DeadLetters.walk(scripts, keys, "dlq");
  }

  /**
   * Keys a sweep step's SCAN asks for: its own cost (a walk over that many buckets of the keyspace) comes before the
   * budget is looked at.
   */
  public static final int SWEEP_SCAN_COUNT = 100;

  /** The most keys a sweep step may ask SCAN for (about 2 ms of Redis' time on a keyspace of 2 million here). */
  public static final int MAX_SWEEP_SCAN_COUNT = 1_000;

  /**
   * Redis' time a sweep step spends checking records before it hands the rest back: a step holds every other
   * client (the payment path's enqueue among them) for about this long, however big the keyspace and however slow
   * its random reads. On an empty queue's small keyspace a step of 100 records fits in it.
   */
  public static final Duration SWEEP_BUDGET = Duration.ofNanos(500_000);

  /**
   * One step of the sweep over every job record: where the SCAN goes on, the ids its last SCAN returned that are
   * still to check ({@code pending}), records checked, re-homed. The sweep is complete at cursor "0" with nothing
   * pending.
   */
  public record SweepStep(String cursor, List<String> pending, long seen, long rehomed) {
    public SweepStep {
      pending = List.copyOf(pending);
    }

    /** Where a sweep starts ({@code "0"}) or goes on (a cursor saved by an earlier run). */
    public static SweepStep from(String cursor) {
      return new SweepStep(cursor, List.of(), 0, 0);
    }

    public boolean complete() {
      return cursor.equals("0") && pending.isEmpty();
    }
  }

  /** The next step after {@code from} with the reconciler's SCAN count and budget. */
  public SweepStep sweep(SweepStep from) {
    return sweep(from, SWEEP_SCAN_COUNT, SWEEP_BUDGET);
  }

  /**
   * Checks the ids {@code from} left, or when none, the records of the next SCAN step (about {@code count} keys),
   * until {@code budget} of Redis' time is spent (at least four records a step), and re-homes those whose
   * structure entry vanished (a dead one back into the DLQ, any other back into its ready list or set).
   */
  public SweepStep sweep(SweepStep from, int count, Duration budget) {
    // SCAN's own walk comes before the budget is read: a count keeps it short.
    if (count < 1 || count > MAX_SWEEP_SCAN_COUNT) {
      throw new IllegalArgumentException("a sweep step scans 1 to " + MAX_SWEEP_SCAN_COUNT + " keys, not " + count);
    }
    List<String> args = new ArrayList<>(6 + from.pending().size());
    args.add(keys.prefix());
    args.add(scripts.newCall());
    args.add(scripts.replayWindow());
    args.add(from.cursor());
    args.add(Integer.toString(count));
    args.add(Long.toString(Math.max(0, budget.toNanos() / 1_000)));
    args.addAll(from.pending());
    List<Object> r = scripts.eval(Script.REHOME, homeKeys(), args.toArray(String[]::new));
    List<String> pending = new ArrayList<>(Math.max(0, r.size() - 3));
    for (int i = 3; i < r.size(); i++) {
      pending.add(r.get(i).toString());
    }
    return new SweepStep(r.get(0).toString(), pending, Scripts.number(r.get(1)), Scripts.number(r.get(2)));
  }

  private List<String> homeKeys() {
    return List.of(keys.ready(), keys.delayed(), keys.active(), keys.dlq(), keys.wake(), keys.stats());
  }

  /** The cursor {@code name} ({@code P:reconcile}), or the default when none was saved. */
  public String cursor(String name, String defaultValue) {
    String value = redis.<String, String>getMap(keys.reconcile(), StringCodec.INSTANCE).get(name);
    return value == null ? defaultValue : value;
  }

  public void saveCursor(String name, String value) {
    redis.<String, String>getMap(keys.reconcile(), StringCodec.INSTANCE).fastPut(name, value);
  }
}
