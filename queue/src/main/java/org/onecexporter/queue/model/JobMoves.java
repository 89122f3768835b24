package org.onecexporter.queue.model;

import static org.onecexporter.queue.model.JobState.ACTIVE;
import static org.onecexporter.queue.model.JobState.DEAD;
import static org.onecexporter.queue.model.JobState.DELAYED;
import static org.onecexporter.queue.model.JobState.NONE;
import static org.onecexporter.queue.model.JobState.READY;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's life, written down once: every move between {@link JobState}s and the script (under
 * {@code org/onecexporter/queue/redis/}) that makes it. A script makes no other move: JobMovesTest drives every
 * script against a real Redis from each starting state and fails on a move this table does not list (and on a row
 * no script makes). ops/REDIS.md shows the same table ({@link #markdown()}; JobMovesDocTest compares them).
 *
 * <p>A row whose {@code from} and {@code to} are the same state is a re-homing: the record said where the job
 * lives but that structure had lost its id (the DLQ list deleted by hand, an eviction); the script puts it back.
 * Moves that leave the state as it is (a lease renewed by {@code extend}, an enqueue answered "exists") are no
 * moves and are not listed.
 */
public final class JobMoves {
  private JobMoves() {}

  /** One allowed move: {@code script} may take a job from {@code from} to {@code to}; {@code when} says when. */
  public record Move(JobState from, JobState to, String script, String when) {
    public boolean rehoming() {
      return from == to;
    }
  }

  /** Every allowed move, in the order of a job's life. */
  public static final List<Move> ALL = List.of(
      new Move(NONE, READY, "enqueue", "an order without a record gets one (the payment path, `enqueue`)"),
      new Move(NONE, READY, "enqueue_all", "the same for many orders in one call (bulk `enqueue`)"),
      new Move(NONE, READY, "reconcile", "a paid, unexported order without a record (the reconciler)"),
      new Move(READY, ACTIVE, "claim", "leased to the caller's token, the attempt counted"),
      new Move(READY, ACTIVE, "ack_claim", "the same, leased in the call that acks the slot's last job"),
      new Move(NONE, ACTIVE, "claim", "an id pushed by hand (no record) gets a record when claimed"),
      new Move(NONE, ACTIVE, "ack_claim", "the same"),
      new Move(DELAYED, ACTIVE, "claim", "a retry come due is promoted and leased"),
      new Move(DELAYED, ACTIVE, "ack_claim", "the same"),
      new Move(DELAYED, READY, "claim", "a retry come due is promoted, not leased (the batch was full)"),
      new Move(DELAYED, READY, "ack_claim", "the same"),
      new Move(ACTIVE, NONE, "ack", "done: record deleted, outcome counted in P:stats (token-checked)"),
      new Move(ACTIVE, NONE, "ack_claim", "the same"),
      new Move(ACTIVE, DELAYED, "retry", "a failed attempt waits for the schedule's delay (token-checked)"),
      new Move(ACTIVE, DEAD, "deadletter", "rejected, refused, exhausted, malformed, infrastructure (token-checked)"),
      new Move(ACTIVE, READY, "release", "handed back on shutdown, the attempt not counted (token-checked)"),
      new Move(ACTIVE, DELAYED, "abandon", "a worker gave the attempt up past JOB_TIMEOUT_SECONDS: claimable by any"
          + " worker after a 2 s hold, a stall counted, the attempt not (token-checked); the abandoning worker"
          + " claims nothing until its own PostgreSQL and Redis answer its probes"),
      new Move(ACTIVE, DEAD, "abandon", "the same for the WORKER_MAX_STALLS-th stall (abandoned or reaped): reason"
          + " infrastructure"),
      new Move(ACTIVE, READY, "reap", "the lease ran out (worker killed or stuck): back to the front of the line"),
      new Move(ACTIVE, DEAD, "reap", "the lease ran out for the WORKER_MAX_STALLS-th time in a row (an attempt that"
          + " reached 1C and ends in a retry or a wait starts the count again): reason stalled"),
      new Move(DEAD, READY, "requeue", "an operator requeues it (one order, all, or one reason), attempts reset"),
      new Move(NONE, READY, "requeue", "a DLQ entry whose record vanished is queued again"),
      new Move(DEAD, NONE, "drop", "an operator lets one order go: entry and record deleted"),
      new Move(DEAD, NONE, "purge", "an operator empties the DLQ: entries and dead records deleted"),
      new Move(READY, READY, "reconcile", "re-homed: back at the front of the line"),
      new Move(DELAYED, DELAYED, "reconcile", "re-homed: back into P:delayed at due_at"),
      new Move(ACTIVE, ACTIVE, "reconcile", "re-homed: back into P:active at lease_until (a live worker keeps it)"),
      new Move(DEAD, DEAD, "reconcile", "re-homed: back into the DLQ at its dead_at"),
      new Move(READY, READY, "rehome", "the same, for any record (the SCAN sweep over P:job:*)"),
      new Move(DELAYED, DELAYED, "rehome", "the same"),
      new Move(ACTIVE, ACTIVE, "rehome", "the same"),
      new Move(DEAD, DEAD, "rehome", "the same"));

  /**
   * The scripts that read or move jobs; a script not listed here never touches a job record (the permits,
   * onec_health). {@code extend} renews leases and makes no move.
   */
  public static final List<String> JOB_SCRIPTS = List.of("enqueue", "enqueue_all", "claim", "ack_claim", "ack",
      "extend", "retry", "deadletter", "release", "abandon", "reap", "requeue", "drop", "purge", "reconcile", "rehome",
      "reindex");

  /** What an operator types to make a script's move by hand, where there is such a command. */
  private static final Map<String, String> BY_HAND = Map.of(
      "enqueue", "`ops/onec-exporter enqueue 1001`",
      "enqueue_all", "`ops/onec-exporter enqueue 1001 1002 …`",
      "reconcile", "`ops/onec-exporter reconcile`",
      "requeue", "`ops/onec-exporter dlq requeue 1001` (or `--all`), `ops/requeue-dlq --all`",
      "drop", "`ops/onec-exporter dlq drop 1001`",
      "purge", "`ops/onec-exporter dlq purge --yes`",
      "rehome", "`ops/onec-exporter reconcile` (a sweep step)");

  /** Whether {@code script} may take a job from {@code from} to {@code to}. */
  public static boolean allows(JobState from, JobState to, String script) {
    return ALL.stream().anyMatch(m -> m.from() == from && m.to() == to && m.script().equals(script));
  }

  /** The scripts that make at least one move. */
  public static Set<String> movingScripts() {
    Set<String> scripts = new LinkedHashSet<>();
    ALL.forEach(m -> scripts.add(m.script()));
    return scripts;
  }

  /** What an operator types to check where order 1001's job is, per state. */
  private static String look(JobState state) {
    return switch (state) {
      case READY -> "`redis-cli LPOS \"$P:ready\" 1001`";
      case DELAYED -> "`redis-cli ZSCORE \"$P:delayed\" 1001` (due at)";
      case ACTIVE -> "`redis-cli ZSCORE \"$P:active\" 1001` (lease until)";
      case DEAD -> "`redis-cli ZSCORE \"$P:dead\" 1001` (died at, µs), `ops/onec-exporter dlq show 1001`";
      case NONE -> "`redis-cli EXISTS \"$P:job:1001\"` answers 0";
    };
  }

  /**
   * The states and the moves as ops/REDIS.md shows them (two Markdown tables), generated from {@link JobState} and
   * {@link #ALL}.
   */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| state (`redis-cli HGET \"$P:job:1001\" state`) | lives in | look at it |\n|---|---|---|\n");
    for (JobState s : JobState.values()) {
      out.append("| `").append(s.wire()).append(s == NONE ? "` (no record)" : "`").append(" | ")
          .append(s == NONE ? "-" : "`" + s.home() + "`").append(" | ").append(look(s)).append(" |\n");
    }
    out.append("\n| from | to | script | when | by hand |\n|---|---|---|---|---|\n");
    for (Move m : ALL) {
      out.append("| `").append(m.from().wire()).append("` | `").append(m.to().wire()).append("` | `")
          .append(m.script()).append(".lua` | ").append(m.when()).append(" | ")
          .append(BY_HAND.getOrDefault(m.script(), "")).append(" |\n");
    }
    return out.toString();
  }
}
