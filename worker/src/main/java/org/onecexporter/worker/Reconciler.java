package org.onecexporter.worker;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL is the source of truth: every paid, unexported order older than the minimum age gets a job if it
 * has none. This covers an enqueue that failed, one that ran before the payment transaction committed, and a
 * Redis that lost its data. A DLQ entry is pulled back only when the reason it was rejected no longer holds
 * (it was "not paid" or "not found" and is now a paid order), so the DLQ is never re-fed in a loop.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final Set<String> REASONS_THAT_PAYMENT_CURES = Set.of("not_paid", "not_found");
  private static final int BATCH = 10_000;

  private final Jdbi jdbi;
  private final JobQueue queue;
  private final Duration minAge;
  private Duration keepHistory;

  public Reconciler(Jdbi jdbi, JobQueue queue, Duration minAge) {
    this.jdbi = jdbi;
    this.queue = queue;
    this.minAge = minAge;
  }

  /** Also deletes attempt history older than {@code keep} on every run (the fleet's reconciler leader does it). */
  public Reconciler pruningHistory(Duration keep) {
    this.keepHistory = keep;
    return this;
  }

  public record Report(int candidates, int queued, int requeued) {}

  public Report run() {
    List<Long> ids = jdbi.withHandle(h -> h.createQuery("""
            SELECT id FROM orders
             WHERE status = 'paid' AND NOT invoice_exported_to_1c
               AND (paid_at IS NULL OR paid_at < now() - make_interval(secs => :age))
             ORDER BY paid_at NULLS FIRST, id
             LIMIT :batch""")
        .bind("age", minAge.toMillis() / 1000.0)
        .bind("batch", BATCH)
        .mapTo(Long.class)
        .list());
    int queued = 0;
    int requeued = 0;
    for (long id : ids) {
      String orderId = Long.toString(id);
      JobQueue.EnqueueResult result = queue.enqueue(orderId, "reconciler");
      if (result.queued()) {
        queued++;
      } else if ("dead".equals(result.state())) {
        Map<String, String> job = queue.job(orderId);
        if (REASONS_THAT_PAYMENT_CURES.contains(job.get("reason"))) {
          requeued += (int) queue.requeue(orderId);
        }
      }
    }
    Report report = new Report(ids.size(), queued, requeued);
    pruneHistory();
    if (queued > 0 || requeued > 0) {
      LOG.warn("reconciler queued {} paid order(s) that had no job, requeued {} from the DLQ", queued, requeued,
          kv("candidates", ids.size()), kv("queued", queued), kv("requeued", requeued));
    } else {
      LOG.debug("reconciler: {} candidate(s), all have jobs", ids.size());
    }
    return report;
  }

  private void pruneHistory() {
    if (keepHistory == null) {
      return;
    }
    try {
      long pruned = new org.onecexporter.history.AttemptHistoryRepository(jdbi).prune(keepHistory);
      if (pruned > 0) {
        LOG.info("attempt history: deleted {} attempt(s) older than {} days", pruned, keepHistory.toDays(),
            kv("pruned", pruned));
      }
    } catch (RuntimeException e) {
      LOG.warn("attempt history not pruned: {}", e.getMessage());
    }
  }
}
