package org.onecexporter.history;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.onecexporter.db.Dialect;
import org.onecexporter.export.AttemptLog;
import org.onecexporter.export.AttemptRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every attempt to {@code export_attempts} without slowing the export: {@link #record} only offers the
 * row to a bounded in-memory buffer; one background thread inserts what accumulated as one batch, every
 * {@link #FLUSH_EVERY} or {@link #BATCH} rows, whichever comes first. A full buffer (PostgreSQL slow or down)
 * drops the row and counts it in {@code onec_attempt_history_dropped_total}, as does a batch that fails to
 * insert (e.g. the table is missing on a hand-made schema); the export itself never waits and never fails.
 * {@link #close} writes what is still buffered.
 */
public final class AttemptHistory implements AttemptLog, AutoCloseable {
  static final int CAPACITY = 10_000;
  static final int BATCH = 100;
  static final Duration FLUSH_EVERY = Duration.ofMillis(200);
  private static final Logger LOG = LoggerFactory.getLogger(AttemptHistory.class);
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private record Row(String actor, AttemptRecord attempt) {}

  private final Jdbi jdbi;
  private final String actor;
  private final BlockingQueue<Row> buffer;
  private final Counter dropped;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;
  /** False once an insert found no trace_id column (a schema not migrated to V3). */
  private volatile boolean traceIdColumn = true;
  /** Asked of the database on the first write (the writer thread), so that construction needs no connection. */
  private Dialect dialect;
  private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

  /** @param actor who makes the attempts: the worker id, or {@code cli} */
  public AttemptHistory(Jdbi jdbi, String actor, MeterRegistry registry) {
    this(jdbi, actor, registry, CAPACITY);
  }

  AttemptHistory(Jdbi jdbi, String actor, MeterRegistry registry, int capacity) {
    this.jdbi = jdbi;
    this.actor = actor;
    this.buffer = new ArrayBlockingQueue<>(capacity);
    this.dropped = Counter.builder("onec_attempt_history_dropped")
        .description("Attempts not written to the attempt history (buffer full or PostgreSQL failed)")
        .register(registry);
    this.writer = Thread.ofPlatform().daemon().name("attempt-history").start(this::run);
  }

  @Override
  public void record(AttemptRecord attempt) {
    if (buffer.offer(new Row(actor, attempt))) {
      accepted.incrementAndGet();
    } else {
      dropped.increment();
    }
  }

  /** Rows dropped so far (buffer full or a failed insert). */
  public long droppedCount() {
    return (long) dropped.count();
  }

  /** Waits until everything recorded so far was written (or dropped); for tests and the command line. */
  public boolean awaitWritten(Duration timeout) throws InterruptedException {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (settled.get() < target) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void run() {
    List<Row> batch = new ArrayList<>(BATCH);
    while (!closing || !buffer.isEmpty()) {
      try {
        Row first = buffer.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + FLUSH_EVERY.toNanos();
        while (batch.size() < BATCH && !closing) {
          long left = deadline - System.nanoTime();
          Row next = left > 0 ? buffer.poll(left, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        buffer.drainTo(batch, BATCH - batch.size());
        write(batch);
      } catch (InterruptedException e) {
        closing = true;
      } catch (RuntimeException e) {
        LOG.warn("attempt history writer failed: {}", e.toString());
      } finally {
        settled.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  private void write(List<Row> rows) {
    try {
      try {
        insert(rows, traceIdColumn);
      } catch (RuntimeException e) {
        if (!traceIdColumn || !undefinedColumn(e)) {
          throw e;
        }
        // A schema from before migration V3 (no trace_id): keep the history, without trace ids, and say so once.
        traceIdColumn = false;
        LOG.warn("attempt history: export_attempts has no trace_id column; run 'onec-exporter migrate' to keep"
            + " trace ids (the history is written without them meanwhile)");
        insert(rows, false);
      }
    } catch (RuntimeException e) {
      dropped.increment(rows.size());
      long now = System.nanoTime();
      if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
        lastWarnNanos = now;
        LOG.warn("attempt history: {} row(s) not written (counted in onec_attempt_history_dropped_total; the "
            + "exports are not affected): {}", rows.size(), e.getMessage());
      }
    }
  }

  private void insert(List<Row> rows, boolean withTraceId) {
    String columns = "order_id, invoice_number, attempt, actor, started_at, finished_at, outcome, http_status, error,"
        + " onec_document_id, onec_document_number, permit_wait_ms" + (withTraceId ? ", trace_id" : "");
    String values = ":order_id, :invoice_number, :attempt, :actor, :started_at, :finished_at, :outcome, :http_status,"
        + " :error, :document_id, :document_number, :permit_wait_ms" + (withTraceId ? ", :trace_id" : "");
    if (dialect == null) {
      dialect = Dialect.of(jdbi);
    }
    Dialect d = dialect;
    jdbi.useHandle(handle -> {
      PreparedBatch insert = handle.prepareBatch(
          "INSERT INTO export_attempts (" + columns + ") VALUES (" + values + ")");
      for (Row row : rows) {
        AttemptRecord a = row.attempt();
        insert.bind("order_id", a.orderId()).bind("invoice_number", a.invoiceNumber())
            .bind("attempt", a.attempt()).bind("actor", row.actor())
            .bind("started_at", d.timestamp(a.startedAt())).bind("finished_at", d.timestamp(a.finishedAt()))
            .bind("outcome", a.outcome()).bind("http_status", a.httpStatus()).bind("error", a.error())
            .bind("document_id", a.documentId()).bind("document_number", a.documentNumber())
            .bind("permit_wait_ms", a.permitWaitMillis());
        if (withTraceId) {
          insert.bind("trace_id", a.traceId());
        }
        insert.add();
      }
      insert.execute();
    });
  }

  /** PostgreSQL's undefined_column (42703) or MariaDB/MySQL's unknown column (42S22), anywhere in the cause chain. */
  private static boolean undefinedColumn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && ("42703".equals(sql.getSQLState()) || "42S22".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** Writes what is buffered (at most 10 s), then stops the writer. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
