package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.history.AttemptHistoryRepository;
import org.onecexporter.queue.JobIds;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.admin.Reconciliation;
import org.onecexporter.queue.model.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's database is the source of truth: every paid, unexported order older than the minimum age gets a job if it
 * has none. This covers an enqueue that failed, one that ran before the payment transaction committed, and a
 * Redis that lost its data. A DLQ entry is pulled back only when the reason it was rejected no longer holds
 * (it was "not paid" or "not found" and is now a paid order), so the DLQ is never re-fed in a loop.
 *
 * <p>It never goes blind: the candidates are walked by order id with a cursor kept in Redis across runs (and
 * workers), wrapping at the end, so orders that sit in the DLQ for good do not hide newer ones; they are sent to
 * Redis in batches, one script call each. And nothing is stranded: a job record whose structure entry vanished (the
 * DLQ list deleted by hand, an eviction, a script aborted half-way) is put back where its state says, both for the
 * candidates and, by a SCAN sweep over every job record that goes on across runs, for any other order.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final Set<String> REASONS_THAT_PAYMENT_CURES = Set.of("not_paid", "not_found");
  /** Candidates looked at per run. */
  static final int BATCH = 10_000;
  /** Orders per script call. */
  private static final int SCRIPT_BATCH = 500;
  /**
   * Job records the sweep checks a run (about: a run ends its last SCAN step's ids), in steps of at most about half
   * a millisecond of Redis' time each (Reconciliation.SWEEP_BUDGET); a bound on the steps a run makes, should the
   * keyspace hold mostly other keys.
   */
  private static final int SWEEP_RECORDS = 20_000;
  private static final int SWEEP_MAX_STEPS = 2_000;

  private final OrderStore orders;
  private final AttemptHistoryRepository history;
  private final JobQueue queue;
  private final Duration minAge;
  private final int batch;
  private Duration keepHistory;

  /** Over the reference schema in the database behind {@code jdbi}. */
  public Reconciler(Jdbi jdbi, JobQueue queue, Duration minAge) {
    this(jdbi, queue, minAge, BATCH);
  }

  public Reconciler(OrderStore orders, AttemptHistoryRepository history, JobQueue queue, Duration minAge) {
    this(orders, history, queue, minAge, BATCH);
  }

  /** With {@code batch} candidates per run (tests use a small one). */
  Reconciler(Jdbi jdbi, JobQueue queue, Duration minAge, int batch) {
    this(new SqlOrderStore(jdbi, ReferenceSource.INSTANCE), new AttemptHistoryRepository(jdbi), queue, minAge, batch);
  }

  Reconciler(OrderStore orders, AttemptHistoryRepository history, JobQueue queue, Duration minAge, int batch) {
    this.orders = orders;
    this.history = history;
    this.queue = queue;
    this.minAge = minAge;
    this.batch = batch;
  }

  /** Also deletes attempt history older than {@code keep} on every run (the fleet's reconciler leader does it). */
  public Reconciler pruningHistory(Duration keep) {
    this.keepHistory = keep;
    return this;
  }

  /**
   * {@code rehomed}: job records put back into the structure their state names (their entry had vanished);
   * {@code cancelsQueued}: cancel jobs queued for refunded or cancelled orders whose invoice 1C has or may have.
   */
  public record Report(int candidates, int queued, int requeued, int rehomed, int cancelsQueued) {
    public Report(int candidates, int queued, int requeued) {
      this(candidates, queued, requeued, 0, 0);
    }

    public Report(int candidates, int queued, int requeued, int rehomed) {
      this(candidates, queued, requeued, rehomed, 0);
    }
  }

  public Report run() {
    queue.reconciliation().reindex();
    Window window = window("order_cursor", this::candidates);
    List<Long> ids = window.ids();
    long after = window.after();
    long next = window.next();
    int queued = 0;
    int requeued = 0;
    int rehomed = 0;
    for (int from = 0; from < ids.size(); from += SCRIPT_BATCH) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SCRIPT_BATCH)).stream()
          .map(String::valueOf).toList();
      List<Reconciliation.Reconciled> results = queue.reconciliation().reconcileOrders(chunk, "reconciler");
      List<String> paidSinceDeath = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        Reconciliation.Reconciled result = results.get(i);
        if (result.queued()) {
          queued++;
        } else if (result.rehomed()) {
          rehomed++;
        } else if (result.state() == JobState.DEAD && REASONS_THAT_PAYMENT_CURES.contains(result.reason())) {
          paidSinceDeath.add(chunk.get(i));
        }
      }
      // One pass over the DLQ for the batch's orders whose payment came after their job ran, not one per order.
      requeued += (int) queue.deadLetters().requeueOrders(paidSinceDeath);
    }
    queue.reconciliation().saveCursor("order_cursor", Long.toString(next));
    int[] cancels = cancels();
    rehomed += cancels[1];
    rehomed += sweep();
    Report report = new Report(ids.size(), queued, requeued, rehomed, cancels[0]);
    pruneHistory();
    if (cancels[0] > 0) {
      LOG.info("reconciler queued the cancellation of {} refunded or cancelled order(s)' invoices", cancels[0],
          kv("cancels_queued", cancels[0]));
    }
    if (queued > 0 || requeued > 0 || rehomed > 0) {
      LOG.info("reconciler queued {} paid order(s) that had no job, requeued {} from the DLQ, re-homed {} job record(s)"
          + " whose queue entry had vanished", queued, requeued, rehomed, kv("candidates", ids.size()),
          kv("queued", queued), kv("requeued", requeued), kv("rehomed", rehomed), kv("order_cursor", next));
    } else {
      LOG.debug("reconciler: {} candidate(s) after order {}, all have jobs", ids.size(), after);
    }
    return report;
  }

  /** Orders with {@code after < id <= upTo}, by id, at most {@code limit}. */
  private interface Candidates {
    List<Long> find(long after, long upTo, int limit);
  }

  /** This run's ids of one cursor walk: {@code after} the saved cursor, and the cursor to save ({@code next}). */
  private record Window(List<Long> ids, long after, long next) {}

  /**
   * Up to a batch of ids after the saved cursor; at the end of the orders the walk wraps and fills the rest of the
   * batch from the start (the next cursor is 0 once it has seen them all).
   */
  private Window window(String cursor, Candidates candidates) {
    long after = parseCursor(queue.reconciliation().cursor(cursor, "0"));
    List<Long> ids = new ArrayList<>(candidates.find(after, Long.MAX_VALUE, batch));
    if (ids.size() == batch) {
      return new Window(ids, after, ids.getLast());
    }
    if (after == 0) {
      return new Window(ids, after, 0);
    }
    int room = batch - ids.size();
    List<Long> head = candidates.find(0, after, room);
    ids.addAll(head);
    return new Window(ids, after, head.size() == room ? head.getLast() : 0);
  }

  /**
   * Refunded or cancelled orders whose invoice 1C has or may have get a cancel job ({@code cancel:<id>}) if they have
   * none, walked by id with a cursor of their own as the paid ones are. Returns {queued, re-homed}.
   */
  private int[] cancels() {
    Window window = window("cancel_cursor", orders::cancelCandidates);
    List<Long> ids = window.ids();
    long next = window.next();
    int queued = 0;
    int rehomed = 0;
    for (int from = 0; from < ids.size(); from += SCRIPT_BATCH) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SCRIPT_BATCH)).stream()
          .map(JobIds::cancel).toList();
      for (Reconciliation.Reconciled result : queue.reconciliation().reconcileOrders(chunk, "reconciler")) {
        queued += result.queued() ? 1 : 0;
        rehomed += result.rehomed() ? 1 : 0;
      }
    }
    queue.reconciliation().saveCursor("cancel_cursor", Long.toString(next));
    return new int[] {queued, rehomed};
  }

  /** Paid, unexported orders old enough, with {@code after < id <= upTo}, by id. */
  private List<Long> candidates(long after, long upTo, int limit) {
    return orders.candidates(after, upTo, limit, minAge);
  }

  /** Goes on with the sweep over every job record (a SCAN cursor kept in Redis); returns how many were re-homed. */
  private int sweep() {
    Reconciliation.SweepStep step =
        Reconciliation.SweepStep.from(queue.reconciliation().cursor("scan_cursor", "0"));
    int rehomed = 0;
    long seen = 0;
    // The ids a step leaves are checked in this run, past the bounds (each step checks at least four of them): only
    // the SCAN cursor is saved.
    for (int steps = 0; !step.pending().isEmpty() || (steps < SWEEP_MAX_STEPS && seen < SWEEP_RECORDS); steps++) {
      step = queue.reconciliation().sweep(step);
      rehomed += (int) step.rehomed();
      seen += step.seen();
      if (step.complete()) {
        break;
      }
    }
    queue.reconciliation().saveCursor("scan_cursor", step.cursor());
    return rehomed;
  }

  private static long parseCursor(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void pruneHistory() {
    if (keepHistory == null) {
      return;
    }
    try {
      long pruned = history.prune(keepHistory);
      if (pruned > 0) {
        LOG.info("attempt history: deleted {} attempt(s) older than {} days", pruned, keepHistory.toDays(),
            kv("pruned", pruned));
      }
    } catch (RuntimeException e) {
      LOG.warn("attempt history not pruned: {}", e.getMessage());
    }
  }
}
