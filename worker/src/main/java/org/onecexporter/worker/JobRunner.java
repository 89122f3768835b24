package org.onecexporter.worker;

import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.model.Ack;
import static net.logstash.logback.argument.StructuredArguments.kv;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.onecexporter.export.AttemptContext;
import org.onecexporter.export.AttemptResult;
import org.onecexporter.export.Decision;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.FailurePolicy;
import org.onecexporter.export.JobHandler;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.JobIds;
import org.onecexporter.telemetry.Traces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs claimed jobs: one attempt each (in a span that continues the payment's trace), asks {@link FailurePolicy}
 * what becomes of the job, and makes that queue move. A job's slot goes on to the successor leased with its ack
 * (see {@link AckBatcher}) until an ack brings none.
 */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** Masks an unexpected failure's text before it becomes a job's reason (always on: the record outlives logs). */
  private static final org.onecexporter.logging.PiiMasker REASON_MASKER = new org.onecexporter.logging.PiiMasker(true);
  private static final int MAX_INTERNAL_REASON = 500;
  private static final AttributeKey<Long> SPAN_ORDER_ID = AttributeKey.longKey("onec.order_id");
  private static final AttributeKey<Long> SPAN_ATTEMPT = AttributeKey.longKey("onec.attempt");
  private static final AttributeKey<Boolean> SPAN_PROBE = AttributeKey.booleanKey("onec.probe");
  /** What the worker did with the job after the attempt: acked, retry, dead_letter, released, waiting. */
  private static final AttributeKey<String> SPAN_DECISION = AttributeKey.stringKey("onec.decision");

  private final JobQueue queue;
  private final JobHandler exporter;
  private final FailurePolicy policy;
  private final FleetHealth health;
  private final LeaseKeeper leases;
  private final AckBatcher acks;
  private final DependencyGate gate;
  private final WorkerMetrics metrics;
  private final BooleanSupplier running;
  private final Consumer<Duration> wakeWhenDue;
  private final Consumer<Error> fatal;
  /** What an administrator must fix before 1C takes invoices (its last answer said so), or null. */
  private final java.util.concurrent.atomic.AtomicReference<String> oneCNeedsAdministrator =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * @param running whether the worker still takes jobs (a stopping worker leases no successors)
   * @param wakeWhenDue told of every retry this worker schedules, so its idle dispatcher claims it on time
   * @param fatal told of an {@link Error}: the job is left as it is (its lease runs out) and the worker stops
   */
  JobRunner(JobQueue queue, JobHandler exporter, FailurePolicy policy, FleetHealth health, LeaseKeeper leases,
      AckBatcher acks, DependencyGate gate, WorkerMetrics metrics, BooleanSupplier running,
      Consumer<Duration> wakeWhenDue, Consumer<Error> fatal) {
    this.queue = queue;
    this.exporter = exporter;
    this.policy = policy;
    this.health = health;
    this.leases = leases;
    this.acks = acks;
    this.gate = gate;
    this.metrics = metrics;
    this.running = running;
    this.wakeWhenDue = wakeWhenDue;
    this.fatal = fatal;
  }

  /** Runs {@code first} on {@code slot}, then each successor its ack leased; gives the slot back at the end. */
  void run(ClaimedJob first, Slot slot) {
    ClaimedJob job = first;
    try {
      while (job != null) {
        LeaseKeeper.Attempt attempt = leases.begin(job, slot);
        job = null;
        try (MDC.MDCCloseable ignored = MDC.putCloseable("order_id", LogSafe.id(attempt.job.orderId()))) {
          job = handle(attempt);
        } catch (RuntimeException e) {
          // A bug or an unexpected failure on our side: the job waits like any failure of ours, and is counted.
          Thread.interrupted();
          // The throwable last: SLF4J takes it as one only there (before the fields it was dropped from the log).
          LOG.error("unexpected failure on a job; it will be retried", jobFields(attempt.job.orderId()), e);
          // The reason reaches the job record, the DLQ entry and the console: the exception's text masked as text
          // from outside our code (a driver's or a parser's message may quote a buyer's phone or e-mail).
          settle(attempt, new AttemptResult.Retry(0, attempt.job.invoiceNumber(),
              "internal error: " + REASON_MASKER.foreign(e.toString(), java.util.List.of(), MAX_INTERNAL_REASON), 0,
              null, AttemptResult.Failed.OUR_SIDE_BEFORE_THE_CALL));
        } catch (Error e) {
          // Out of memory, a stack overflow, a broken class: this process can no longer be trusted to move jobs.
          // The job is left as it is; its lease runs out and another worker takes it.
          fatal.accept(e);
          throw e;
        } finally {
          leases.end(attempt);
        }
        if (job != null && !slot.held()) {
          ClaimedJob unwanted = job; // the slot went back when this chain was abandoned: hand the successor back
          gate.move(() -> queue.release(unwanted));
          job = null;
        }
      }
    } finally {
      Thread.interrupted();
      slot.giveBack();
    }
  }

  /** One attempt; returns the next job for this slot when its ack leased one, else null. */
  private ClaimedJob handle(LeaseKeeper.Attempt attempt) {
    ClaimedJob job = attempt.job;
    java.util.Optional<JobIds.JobId> id = JobIds.parse(job.orderId());
    if (id.isEmpty()) {
      health.report(FailurePolicy.OneCReport.NOT_CALLED, job);
      // The id is untrusted (pushed by hand, maybe 1 MB, maybe with newlines): capped and escaped everywhere.
      String error = "malformed job: '" + LogSafe.id(job.orderId()) + "' is not an order id";
      return apply(attempt, new Decision.DeadLetter(ExportResult.Reason.MALFORMED), new Said(error, 0, null), false,
          false);
    }
    long orderId = id.get().orderId();
    boolean cancel = id.get().kind() == JobIds.Kind.CANCEL;
    // One span per attempt, continuing the trace the enqueuer recorded with the job (the payment's); a new trace
    // when there is none. A no-op unless the SDK is configured (Telemetry), apart from the trace id the attempt
    // history keeps.
    Span span = Traces.tracer().spanBuilder(cancel ? "invoice-cancel attempt" : "invoice-export attempt").setSpanKind(SpanKind.CONSUMER)
        .setParent(Traces.parent(job.traceparent()))
        .setAttribute(SPAN_ORDER_ID, orderId).setAttribute(SPAN_ATTEMPT, (long) job.attempt())
        .setAttribute("messaging.system", "redis").setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.destination.name", queue.keys().prefix())
        .setAttribute(SPAN_PROBE, job.probe()).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      AttemptContext context = new AttemptContext(orderId, job.attempt(), job.probe() ? job.token() : null);
      Reported reported = new Reported();
      PermitGatedClient.REPORT.set(failure -> reported.report(attempt, failure));
      AttemptResult result;
      try {
        result = cancel ? exporter.cancel(context) : exporter.attempt(context);
      } finally {
        PermitGatedClient.REPORT.remove();
      }
      if (attempt.abandoned) {
        Thread.interrupted(); // the abandonment's interrupt must not fail the queue move below
      }
      return settle(attempt, result, reported.fleet);
    } catch (RuntimeException | Error e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * 1C's transient failure as the fleet's health answered it when the permit gate reported it, right as 1C
   * answered (before the attempt recorded anything or gave its lease back); null when nothing was reported then.
   */
  private final class Reported {
    volatile FailurePolicy.Fleet fleet;

    /** Reports the failure for the attempt's job; answers how long 1C is down for the fleet, or null. */
    Duration report(LeaseKeeper.Attempt attempt, org.onecexporter.onec.CallOutcome.Transient failure) {
      if (attempt.abandoned || fleet != null) {
        return null; // an abandoned attempt's job was handed back: not this worker's to report
      }
      FailurePolicy.Fleet answer = health.report(failure.httpStatus() == 403 ? FailurePolicy.OneCReport.DOWN
          : FailurePolicy.OneCReport.FAILED, attempt.job);
      fleet = answer;
      return answer.down() ? answer.untilProbe() : null;
    }
  }

  private ClaimedJob settle(LeaseKeeper.Attempt attempt, AttemptResult result) {
    return settle(attempt, result, null);
  }

  /**
   * Reports what the attempt told of 1C (unless its failure was reported as 1C answered: {@code reported}), asks
   * the policy, and makes its move.
   */
  private ClaimedJob settle(LeaseKeeper.Attempt attempt, AttemptResult result, FailurePolicy.Fleet reported) {
    ClaimedJob job = attempt.job;
    Said said = Said.of(result);
    if (result instanceof AttemptResult.Done done) {
      metrics.export(done.result().status().wire());
    }
    if (result instanceof AttemptResult.Retry retry && (retry.failed() == AttemptResult.Failed.OUR_SIDE_BEFORE_THE_CALL
        || retry.failed() == AttemptResult.Failed.OUR_SIDE_AFTER_THE_CALL)) {
      metrics.infraFailure();
      gate.suspect("order " + job.orderId() + " failed on our side");
    }
    FailurePolicy.Attempt where = new FailurePolicy.Attempt(job.attempt(), job.infraFailures(), job.probe(),
        attempt.abandoned);
    // An abandoned attempt's job was already handed back: what it saw of 1C is no longer this worker's to report.
    FailurePolicy.Fleet fleet = attempt.abandoned && result instanceof AttemptResult.Retry ? FailurePolicy.Fleet.NONE
        : reported != null && result instanceof AttemptResult.Retry retry
            && retry.failed() == AttemptResult.Failed.ONE_C ? reported
        : health.report(FailurePolicy.report(result), job);
    Decision decision = policy.decide(result, where, fleet);
    if (decision instanceof Decision.Wait wait && (wait.cause() == Decision.Cause.ONE_C_NOT_CONFIGURED
        || wait.cause() == Decision.Cause.ONE_C_ACCESS_REFUSED)) {
      oneCNeedsAdministrator.set(said.error());
    } else if (result instanceof AttemptResult.Done done && done.calledOneC()) {
      oneCNeedsAdministrator.set(null); // 1C took or refused an invoice: it serves the exporter again
    }
    boolean oneCFailed = result instanceof AttemptResult.Retry retry && retry.failed() == AttemptResult.Failed.ONE_C;
    boolean reachedOneC = result instanceof AttemptResult.Retry retry && retry.calledOneC();
    return apply(attempt, decision, said, oneCFailed, reachedOneC);
  }

  /** What the attempt said, for the queue's job record and the logs. */
  private record Said(String error, int httpStatus, String invoiceNumber) {
    static Said of(AttemptResult result) {
      return switch (result) {
        case AttemptResult.Done done -> new Said(done.result().error(), done.result().httpStatus(),
            done.result().invoiceNumber());
        case AttemptResult.Retry retry -> new Said(retry.reason(), retry.httpStatus(), retry.invoiceNumber());
      };
    }
  }

  /**
   * The decision as a queue move (token-checked: a job another worker took over is left alone). {@code reachedOneC}:
   * the attempt got as far as its call to 1C, so a retry or a wait starts the job's stall count again.
   */
  private ClaimedJob apply(LeaseKeeper.Attempt attempt, Decision decision, Said said, boolean oneCFailed,
      boolean reachedOneC) {
    ClaimedJob job = attempt.job;
    leases.settling(attempt);
    switch (decision) {
      case Decision.Ack ack -> {
        decide("acked");
        return ackAndNext(new Ack(job, ack.status().wire(), ack.call()), attempt);
      }
      case Decision.DeadLetter dead -> {
        String reason = dead.reason().wire();
        LOG.warn("order {} to the DLQ after {} attempt(s) ({}): {}", LogSafe.id(job.orderId()), job.attempt(), reason,
            said.error(), jobFields(job.orderId()), kv("invoice_number", said.invoiceNumber()),
            kv("attempt", job.attempt()), kv("outcome", "dead_letter"), kv("reason", reason));
        decide("dead_letter");
        if (gate.move(() -> queue.deadLetter(job, reason, said.error(), said.httpStatus(), said.invoiceNumber()))) {
          if (dead.reason() == ExportResult.Reason.MALFORMED || dead.reason() == ExportResult.Reason.EXHAUSTED
              || dead.reason() == ExportResult.Reason.INFRASTRUCTURE) {
            metrics.export(dead.status().wire()); // an export that ended here, without a final answer of its own
          }
          metrics.deadLetter(reason); // counted only when the move happened
        } else {
          warnTakenOver(job);
        }
      }
      case Decision.Retry retry -> {
        metrics.retry();
        Duration wait = retry.delay();
        LOG.info("order {} retry in {} ms", LogSafe.id(job.orderId()), wait.toMillis(), jobFields(job.orderId()),
            kv("invoice_number", said.invoiceNumber()), kv("attempt", job.attempt()), kv("outcome", "retry"),
            kv("retry_in_ms", wait.toMillis()));
        decide("retry");
        Refusal refusal = new Refusal();
        if (gate.move(() -> refusal.seen(queue.retryLater(job, wait, said.error(), said.httpStatus(),
            said.invoiceNumber(), false, false, reachedOneC)))) {
          wakeWhenDue.accept(wait);
        } else if (refusal.refused) {
          warnTakenOver(job);
        }
      }
      case Decision.Wait wait -> {
        logWait(job, wait, said, oneCFailed);
        decide("waiting");
        boolean ourSide = wait.cause() == Decision.Cause.OUR_SIDE;
        Refusal refusal = new Refusal();
        if (gate.move(() -> refusal.seen(queue.retryLater(job, wait.delay(), said.error(), said.httpStatus(),
            said.invoiceNumber(), true, ourSide, reachedOneC)))) {
          if (ourSide) {
            wakeWhenDue.accept(wait.delay());
          }
        } else if (refusal.refused) {
          warnTakenOver(job);
        }
      }
      case Decision.Release release -> {
        // Too late for the schedule: the job was handed back when the attempt was abandoned. Should that call
        // have failed, hand it back now without counting anything (token-checked: otherwise nothing happens).
        LOG.warn("order {}: the abandoned attempt ended", LogSafe.id(job.orderId()), jobFields(job.orderId()));
        decide("released");
        gate.move(() -> queue.release(job));
      }
    }
    return null;
  }

  private void logWait(ClaimedJob job, Decision.Wait wait, Said said, boolean oneCFailed) {
    long millis = wait.delay().toMillis();
    switch (wait.cause()) {
      case ONE_C_DOWN, ONE_C_FAILING -> {
        if (oneCFailed) {
          metrics.retry();
          LOG.info("1C is failing for more than this order; order {} waits {} ms without spending an attempt",
              LogSafe.id(job.orderId()), millis, jobFields(job.orderId()), kv("attempt", job.attempt()),
              kv("outcome", "retry"), kv("onec_down", wait.cause() == Decision.Cause.ONE_C_DOWN));
        } else {
          LOG.info("1C is down for the fleet; order {} waits {} ms without spending an attempt", LogSafe.id(job.orderId()),
              millis, jobFields(job.orderId()), kv("attempt", job.attempt()), kv("outcome", "retry"));
        }
      }
      case CAP_FULL -> LOG.info("every 1C permit of the fleet stayed busy (ONEC_MAX_CONCURRENCY); order {} waits {}"
          + " ms without spending an attempt", LogSafe.id(job.orderId()), millis, jobFields(job.orderId()),
          kv("attempt", job.attempt()), kv("outcome", "retry"));
      case ONE_C_NOT_CONFIGURED -> {
        // Not the order's fault: every order would fail alike until an administrator acts. The alert on
        // onec_not_configured calls a person.
        metrics.notConfigured();
        LOG.error("1C is not configured for the shop; order {} waits {} s without spending an attempt: {}",
            LogSafe.id(job.orderId()), wait.delay().toSeconds(), said.error(), jobFields(job.orderId()),
            kv("invoice_number", said.invoiceNumber()), kv("attempt", job.attempt()),
            kv("outcome", "not_configured"));
      }
      case ONE_C_ACCESS_REFUSED -> {
        metrics.notConfigured(); // the same alert: an administrator must act
        LOG.error("1C refuses the exporter (401 or 403); order {} waits {} s without spending an attempt: {}",
            LogSafe.id(job.orderId()), wait.delay().toSeconds(), said.error(), jobFields(job.orderId()),
            kv("invoice_number", said.invoiceNumber()), kv("attempt", job.attempt()),
            kv("outcome", "access_refused"), kv("http_status", said.httpStatus()));
      }
      case OUR_SIDE -> LOG.warn("order {} waits {} ms for our own infrastructure (failure {} on our side): {}",
          LogSafe.id(job.orderId()), millis, job.infraFailures() + 1, said.error(), jobFields(job.orderId()),
          kv("attempt", job.attempt()), kv("outcome", "retry"), kv("infra_failures", job.infraFailures() + 1));
    }
  }

  /** What an administrator must fix before 1C takes invoices, as 1C's last answer to this worker said, or null. */
  String oneCNeedsAdministrator() {
    return oneCNeedsAdministrator.get();
  }

  /** Acks a finished job and returns the next one for its slot (leased in the same call), or null. */
  private ClaimedJob ackAndNext(Ack ack, LeaseKeeper.Attempt attempt) {
    try {
      AckBatcher.Outcome outcome = acks.ackAndNext(ack, running.getAsBoolean() && !attempt.abandoned);
      if (!outcome.acked()) {
        warnTakenOver(ack.job());
      }
      return outcome.next();
    } catch (RuntimeException e) {
      LOG.warn("queue move failed (the lease will bring the job back): {}", e.toString());
      gate.suspect(DependencyGate.Dependency.REDIS, "an ack failed: " + e);
      return null;
    }
  }

  /** Whether a token-checked move was refused (the lease was taken over), apart from a move that failed on Redis. */
  private static final class Refusal {
    boolean refused;

    boolean seen(boolean done) {
      refused = !done;
      return done;
    }
  }

  private static void warnTakenOver(ClaimedJob job) {
    LOG.warn("order {}: the lease was taken over before the result could be recorded", LogSafe.id(job.orderId()));
  }

  /** What became of the job, on the attempt's span. */
  private static void decide(String decision) {
    Span.current().setAttribute(SPAN_DECISION, decision);
  }

  /**
   * A job's log fields: {@code order_id} is the order's id for both kinds of job, so that a search for an order finds
   * its cancel job's lines too, and a cancel job adds {@code job} (its id, {@code cancel:<order id>}).
   */
  static net.logstash.logback.argument.StructuredArgument jobFields(String jobId) {
    return JobIds.parse(jobId).filter(id -> id.kind() == JobIds.Kind.CANCEL)
        .map(id -> {
          java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
          fields.put("order_id", Long.toString(id.orderId()));
          fields.put("job", id.wire());
          return net.logstash.logback.argument.StructuredArguments.entries(fields);
        })
        .orElseGet(() -> kv("order_id", LogSafe.id(jobId)));
  }
}
