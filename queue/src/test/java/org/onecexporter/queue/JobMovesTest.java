package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.admin.Reconciliation;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.JobMoves;
import org.onecexporter.queue.model.JobMoves.Move;
import org.onecexporter.queue.model.JobState;
import org.onecexporter.queue.model.QueueKeys;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.redisson.client.codec.StringCodec;

/**
 * The scripts against the table of moves ({@link JobMoves}): every script that touches jobs is run against a real
 * Redis from every starting situation (each state, at home or with its structure entry gone, an id pushed by hand,
 * a DLQ entry without its record), and the job is looked at before and after: its record's {@code state} and which
 * of ready, delayed, active and the DLQ hold its id. A state change the table does not list for that script fails;
 * so does a job left out of the structure its state names, and a table row no script run makes.
 */
@ExtendWith(RedisExtension.class)
class JobMovesTest {
  private static final String ID = "1001";
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;
  private final TestRedis redis;

  JobMovesTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
    defineStarts();
  }

  /** Where the job is: its record's state and the structures holding its id (ready, delayed, active, dlq). */
  record Seen(JobState state, Set<String> in) {
    /** Only in the structure its state names (no record: in none). */
    boolean atHome() {
      return in.equals(state == JobState.NONE ? Set.of() : Set.of(structure(state)));
    }

    @Override
    public String toString() {
      return state.wire() + " in " + new TreeSet<>(in);
    }
  }

  static String structure(JobState state) {
    return switch (state) {
      case READY -> "ready";
      case DELAYED -> "delayed";
      case ACTIVE -> "active";
      case DEAD -> "dlq";
      case NONE -> "-";
    };
  }

  /**
   * What is wrong with {@code script} taking the job from {@code before} to {@code after}, or null. A state change
   * must be a row of the table and land the job in its new structure (and no other); a re-homing (same state, back at home) must be a row too;
   * no script may take a job that was at home out of it. No record before and after is never a move (a script
   * removing a stray entry of an order without a job).
   */
  static String violation(String script, Seen before, Seen after) {
    if (before.state() != after.state()) {
      if (!JobMoves.allows(before.state(), after.state(), script)) {
        return script + " moved the job " + before + " -> " + after + ": not in JobMoves";
      }
      // Into its new structure and no other; an entry that was there before may stay (a stray DLQ entry whose
      // record was deleted by hand stays when the order is queued again: requeue later drops it, the job not dead).
      Set<String> added = new LinkedHashSet<>(after.in());
      added.removeAll(before.in());
      added.remove(structure(after.state()));
      boolean home = after.state() == JobState.NONE || after.in().contains(structure(after.state()));
      if (!home || !added.isEmpty()) {
        return script + " moved the job " + before + " -> " + after + " but not into its structure";
      }
      return null;
    }
    if (before.state() == JobState.NONE || before.in().equals(after.in())) {
      return null;
    }
    if (before.atHome() && !after.atHome()) {
      return script + " left the job out of its structure: " + before + " -> " + after;
    }
    if (!before.atHome() && after.atHome() && !JobMoves.allows(before.state(), after.state(), script)) {
      return script + " re-homed the job " + before + " -> " + after + ": not in JobMoves";
    }
    return null;
  }

  Seen seen() {
    var client = redis.client();
    QueueKeys keys = queue.keys();
    Set<String> in = new LinkedHashSet<>();
    if (client.<String>getList(keys.ready(), StringCodec.INSTANCE).readAll().contains(ID)) {
      in.add("ready");
    }
    if (client.<String>getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).contains(ID)) {
      in.add("delayed");
    }
    if (client.<String>getScoredSortedSet(keys.active(), StringCodec.INSTANCE).contains(ID)) {
      in.add("active");
    }
    if (client.<String>getScoredSortedSet(keys.dlq(), StringCodec.INSTANCE).contains(ID)) {
      in.add("dlq");
    }
    return new Seen(JobState.fromWire(queue.job(ID).get("state")), in);
  }

  /** A starting situation; returns the job's lease when it has one, else a lease token that is not (any more) its. */
  private final Map<String, java.util.function.Supplier<ClaimedJob>> starts = new LinkedHashMap<>();

  private ClaimedJob stale() {
    return new ClaimedJob(ID, "stale:1", 1, null, 0, false, 0, null);
  }

  private ClaimedJob claimOwn(Duration lease) {
    return queue.claim(lease, "w", 1).jobs().get(0);
  }

  private void defineStarts() {
    starts.put("no record", () -> stale());
    starts.put("pushed by hand", () -> {
      redis.client().getList(queue.keys().ready(), StringCodec.INSTANCE).add(0, ID);
      return stale();
    });
    starts.put("ready", () -> {
      queue.enqueue(ID, "test");
      return stale();
    });
    starts.put("delayed, due", () -> {
      queue.enqueue(ID, "test");
      queue.retryLater(claimOwn(LEASE), Duration.ZERO, "503", 503, null, false);
      return stale();
    });
    starts.put("delayed, due, another due job behind it", () -> {
      queue.enqueue(ID, "test");
      queue.enqueue("2002", "test");
      List<ClaimedJob> both = queue.claim(LEASE, "w", 2).jobs();
      queue.retryLater(both.get(0), Duration.ZERO, "503", 503, null, false);
      sleep(3);
      queue.retryLater(both.get(1), Duration.ZERO, "503", 503, null, false);
      return stale();
    });
    starts.put("delayed, not due", () -> {
      queue.enqueue(ID, "test");
      queue.retryLater(claimOwn(LEASE), Duration.ofMinutes(5), "503", 503, null, false);
      return stale();
    });
    starts.put("active", () -> {
      queue.enqueue(ID, "test");
      return claimOwn(LEASE);
    });
    starts.put("active, lease run out", () -> {
      queue.enqueue(ID, "test");
      ClaimedJob job = claimOwn(Duration.ofMillis(1));
      sleep(5);
      return job;
    });
    starts.put("dead", () -> {
      queue.enqueue(ID, "test");
      queue.deadLetter(claimOwn(LEASE), "invalid", "no items", 0, null);
      return stale();
    });
    starts.put("ready, list entry gone", () -> {
      queue.enqueue(ID, "test");
      redis.client().getList(queue.keys().ready(), StringCodec.INSTANCE).remove(ID);
      return stale();
    });
    starts.put("delayed, set member gone", () -> {
      queue.enqueue(ID, "test");
      queue.retryLater(claimOwn(LEASE), Duration.ZERO, "503", 503, null, false);
      redis.client().getScoredSortedSet(queue.keys().delayed(), StringCodec.INSTANCE).remove(ID);
      return stale();
    });
    starts.put("active, set member gone", () -> {
      queue.enqueue(ID, "test");
      ClaimedJob job = claimOwn(LEASE);
      redis.client().getScoredSortedSet(queue.keys().active(), StringCodec.INSTANCE).remove(ID);
      return job;
    });
    starts.put("dead, DLQ deleted", () -> {
      queue.enqueue(ID, "test");
      queue.deadLetter(claimOwn(LEASE), "invalid", "no items", 0, null);
      redis.client().getKeys().delete(queue.keys().dlq());
      return stale();
    });
    starts.put("DLQ entry, record gone", () -> {
      queue.enqueue(ID, "test");
      queue.deadLetter(claimOwn(LEASE), "invalid", "no items", 0, null);
      redis.client().getKeys().delete(queue.keys().job(ID));
      return stale();
    });
  }

  /** A script run: the script's name and what calls it, given the job's lease (or a stale one). */
  record Run(String script, String how, Consumer<ClaimedJob> call) {}

  private List<Run> runs() {
    return List.of(
        new Run("enqueue", "enqueue", job -> queue.enqueue(ID, "test")),
        new Run("enqueue_all", "enqueueAll", job -> queue.enqueueAll(List.of(ID, "3003", ID), "test")),
        new Run("claim", "claim 1", job -> queue.claim(LEASE, "w2", 1)),
        new Run("claim", "claim 8", job -> queue.claim(LEASE, "w2", 8)),
        new Run("ack_claim", "ack and claim 1",
            job -> queue.ackAndClaim(List.of(new Ack(job, "exported", null)), LEASE, "w2", 1)),
        new Run("ack_claim", "claim 1 only", job -> queue.ackAndClaim(List.of(), LEASE, "w2", 1)),
        new Run("ack", "ack exported", job -> queue.ackAll(List.of(new Ack(job, "exported", Duration.ofMillis(5))))),
        new Run("ack", "ack already_exported", job -> queue.ackAll(List.of(new Ack(job, "already_exported", null)))),
        new Run("extend", "extend", job -> queue.extendAll(List.of(job), LEASE)),
        new Run("retry", "retry", job -> queue.retryLater(job, Duration.ofMinutes(1), "503", 503, null, false)),
        new Run("deadletter", "deadletter", job -> queue.deadLetter(job, "invalid", "bad", 0, null)),
        new Run("release", "release", job -> queue.release(job)),
        new Run("abandon", "abandon, 3 stalls", job -> queue.abandon(job, Duration.ofSeconds(2), 3, "w1", "frozen")),
        new Run("abandon", "abandon, 1 stall", job -> queue.abandon(job, Duration.ofSeconds(2), 1, "w1", "frozen")),
        new Run("reap", "reap, 3 stalls", job -> queue.reap(3)),
        new Run("reap", "reap, 1 stall", job -> queue.reap(1)),
        new Run("requeue", "requeue one", job -> queue.deadLetters().requeue(ID)),
        new Run("requeue", "requeue all", job -> queue.deadLetters().requeueAll()),
        new Run("requeue", "requeue reason", job -> queue.deadLetters().requeueReason("invalid")),
        new Run("requeue", "requeue orders", job -> queue.deadLetters().requeueOrders(List.of("5005", ID))),
        new Run("drop", "drop", job -> queue.deadLetters().drop(ID)),
        new Run("purge", "purge", job -> queue.deadLetters().purge()),
        new Run("reconcile", "reconcile", job -> queue.reconciliation().reconcileOrders(List.of(ID, "4004"), "reconciler")),
        new Run("reindex", "reindex", job -> queue.reconciliation().reindex()),
        new Run("rehome", "sweep", job -> {
          var step = Reconciliation.SweepStep.from("0");
          do {
            step = queue.reconciliation().sweep(step);
          } while (!step.complete());
        }));
  }

  @Test
  void every_script_makes_only_the_moves_the_table_lists_and_every_listed_move_is_made() {
    List<String> violations = new ArrayList<>();
    Set<Move> made = new LinkedHashSet<>();
    Set<String> scriptsRun = new LinkedHashSet<>();
    for (Run run : runs()) {
      scriptsRun.add(run.script());
      for (var start : starts.entrySet()) {
        queue.deleteAll();
        ClaimedJob job = start.getValue().get();
        Seen before = seen();
        run.call().accept(job);
        Seen after = seen();
        String wrong = violation(run.script(), before, after);
        if (wrong != null) {
          violations.add(run.how() + " from '" + start.getKey() + "': " + wrong);
        }
        if (before.state() != after.state() || (!before.atHome() && after.atHome())) {
          JobMoves.ALL.stream().filter(m -> m.from() == before.state() && m.to() == after.state()
              && m.script().equals(run.script())).forEach(made::add);
        }
      }
    }
    assertThat(violations).as("moves the table does not allow").isEmpty();
    assertThat(JobMoves.ALL).as("every row of the table is a move some script makes").allMatch(made::contains);
    assertThat(scriptsRun).as("every script that touches jobs was run").containsAll(JobMoves.JOB_SCRIPTS);
    assertThat(JobMoves.JOB_SCRIPTS).as("every moving script is a job script")
        .containsAll(JobMoves.movingScripts());
  }

  @Test
  void a_move_outside_the_table_is_caught() {
    Seen active = new Seen(JobState.ACTIVE, Set.of("active"));
    Seen ready = new Seen(JobState.READY, Set.of("ready"));
    Seen dead = new Seen(JobState.DEAD, Set.of("dlq"));
    assertThat(violation("release", active, ready)).isNull();
    assertThat(violation("retry", active, ready)).contains("not in JobMoves");
    assertThat(violation("enqueue", dead, ready)).contains("not in JobMoves");
    assertThat(violation("deadletter", active, new Seen(JobState.DEAD, Set.of()))).contains("not into its structure");
    assertThat(violation("claim", ready, new Seen(JobState.READY, Set.of()))).contains("out of its structure");
    assertThat(violation("enqueue", new Seen(JobState.DEAD, Set.of()), dead)).contains("re-homed");
    assertThat(violation("rehome", new Seen(JobState.DEAD, Set.of()), dead)).isNull();
  }

  @Test
  void every_table_row_names_a_script_that_exists() {
    for (String script : JobMoves.JOB_SCRIPTS) {
      assertThat(JobQueue.class.getResource("redis/" + script + ".lua")).as(script).isNotNull();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
