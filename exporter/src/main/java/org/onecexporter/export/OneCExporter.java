package org.onecexporter.export;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.domain.InvalidOrderException;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.domain.InvoiceDraft;
import org.onecexporter.domain.Order;
import org.onecexporter.json.Json;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Exports one paid order to 1C as a payment invoice. {@link #exportInvoice(long)} is the direct path (inline
 * retries on the schedule); {@link #attempt(long, int)} is one attempt, for callers with their own schedule
 * such as the queue workers.
 *
 * <p>Exactly once rests on three things: the invoice number is fixed in the shop's database before the first call
 * and reused by every retry (1C answers a repeat with the existing document); a lock per order makes concurrent
 * exports of one order run one after the other; and the flag is set only after 1C said yes. The database work
 * goes through an {@link OrderStore}.
 */
public final class OneCExporter implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OneCExporter.class);
  private static final AttributeKey<String> SPAN_OUTCOME = AttributeKey.stringKey("onec.outcome");
  private static final AttributeKey<String> SPAN_INVOICE = AttributeKey.stringKey("onec.invoice_number");
  private static final AttributeKey<Long> SPAN_HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> SPAN_PERMIT_WAIT = AttributeKey.longKey("onec.permit_wait_ms");
  private static final AttributeKey<String> SPAN_DOCUMENT = AttributeKey.stringKey("onec.document_number");

  private final OrderStore orders;
  private final OneCClient client;
  private final InvoiceBuilder builder;
  private final RetrySchedule schedule;
  private final Sleeper sleeper;
  private final Clock clock;
  private final PiiMasker masker;
  private final Duration lockTimeout;
  /**
   * An order's lock lapses this long after this process last renewed it (it renews every third of it): a process
   * killed or frozen, or cut off from the database, does not keep the order locked for longer.
   */
  private volatile Duration lockLapse = Duration.ofSeconds(30);
  private volatile ExportObserver observer = ExportObserver.NONE;
  private volatile AttemptLog attemptLog = AttemptLog.NONE;

  /** Over the reference schema in the database behind {@code jdbi}. */
  public OneCExporter(Jdbi jdbi, OneCClient client, InvoiceBuilder builder, RetrySchedule schedule, Sleeper sleeper,
      Clock clock, PiiMasker masker, Duration oneCTimeout) {
    this(new SqlOrderStore(jdbi, ReferenceSource.INSTANCE), client, builder, schedule, sleeper, clock, masker,
        oneCTimeout);
  }

  public OneCExporter(OrderStore orders, OneCClient client, InvoiceBuilder builder, RetrySchedule schedule,
      Sleeper sleeper, Clock clock, PiiMasker masker, Duration oneCTimeout) {
    this.orders = orders;
    this.client = client;
    this.builder = builder;
    this.schedule = schedule;
    this.sleeper = sleeper;
    this.clock = clock;
    this.masker = masker;
    // Wait for a concurrent export of the same order a little longer than its 1C call may take.
    this.lockTimeout = oneCTimeout.plusSeconds(15);
  }

  /** How long an order's lock outlives its holder's last renewal (the workers pass LEASE_SECONDS; default 30 s). */
  public OneCExporter lockLapse(Duration lapse) {
    this.lockLapse = lapse;
    return this;
  }

  /** Metrics hook; set once at start-up. */
  @Override
  public void observe(ExportObserver exportObserver) {
    this.observer = exportObserver;
  }

  /** Where every attempt's end is reported (the attempt history); set once at start-up. */
  public void recordAttemptsTo(AttemptLog log) {
    this.attemptLog = log;
  }

  @Override
  public RetrySchedule schedule() {
    return schedule;
  }

  /**
   * The direct path: attempts until {@link FailurePolicy} (its command-line configuration: every failed try spends
   * one of the schedule) says the export is done or over.
   */
  public ExportResult exportInvoice(long orderId) {
    FailurePolicy policy = new FailurePolicy(FailurePolicy.Config.direct(schedule));
    int calls = 0;
    for (int attempt = 1; ; attempt++) {
      AttemptResult result = attempt(new AttemptContext(orderId, attempt, null));
      calls += result.calledOneC() ? 1 : 0;
      Decision decision = policy.decide(result, new FailurePolicy.Attempt(attempt, 0, false, false),
          FailurePolicy.Fleet.NONE);
      if (result instanceof AttemptResult.Done done) {
        return done.result().withAttempts(calls); // acked or rejected: the attempt's own answer
      }
      AttemptResult.Retry retry = (AttemptResult.Retry) result;
      switch (decision) {
        case Decision.DeadLetter end -> {
          LOG.warn("export failed after {} attempts: {}", attempt, retry.reason(),
              kv("order_id", orderId), kv("invoice_number", retry.invoiceNumber()), kv("attempt", attempt),
              kv("outcome", "failed"), kv("http_status", retry.httpStatus()));
          return new ExportResult(orderId, end.status(), retry.invoiceNumber(), null, calls, retry.reason(),
              retry.httpStatus(), end.reason());
        }
        case Decision.Retry next -> {
          Duration wait = next.delay();
          LOG.info("retrying in {} ms", wait.toMillis(), kv("order_id", orderId),
              kv("invoice_number", retry.invoiceNumber()), kv("attempt", attempt), kv("outcome", "retry"),
              kv("retry_in_ms", wait.toMillis()));
          try {
            sleeper.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExportResult(orderId, ExportStatus.FAILED, retry.invoiceNumber(), null, calls,
                "interrupted while waiting to retry: " + retry.reason(), retry.httpStatus(),
                ExportResult.Reason.INTERRUPTED);
          }
        }
        case Decision.Ack ack -> throw new IllegalStateException("a failed attempt acked: " + ack);
        case Decision.Wait wait -> throw new IllegalStateException("the direct path holds no job to wait: " + wait);
        case Decision.Release release -> throw new IllegalStateException("nothing to release on the direct path");
      }
    }
  }

  /** One attempt. Never throws for a bad order or 1C. */
  @Override
  public AttemptResult attempt(AttemptContext context) {
    return recorded(context, new AttemptTrace(), this::attemptLocked);
  }

  /**
   * One attempt at cancelling the order's invoice, under the same per-order lock as its export, so that the two
   * never overlap. The order of events: the cancel request is committed to the ledger before 1C is called, and an
   * export that runs after it calls nothing; so whichever runs first, 1C ends with no invoice or a marked one.
   * <ul>
   *   <li>cancelled already (the ledger): nothing to do, no call;</li>
   *   <li>no invoice number: 1C was never sent one (the number is fixed before the first call), so none exists and
   *       none will: done as {@code never_sent}, no call;</li>
   *   <li>a number: 1C is asked to cancel it, exported or not (a create whose answer was lost, a timeout, may have
   *       been executed there). {@code cancelled}/{@code already_cancelled} mark it done; {@code not_found} is
   *       done too when our flag was never set (the in-doubt create did not happen), and a refusal otherwise;
   *       {@code has_based_documents} is a refusal for the accountant; every other answer as for an export.</li>
   * </ul>
   */
  @Override
  public AttemptResult cancel(AttemptContext context) {
    return recorded(context, new AttemptTrace().cancelling(), this::cancelLocked);
  }

  private interface Locked {
    AttemptResult run(OrderStore.Session session, AttemptContext context, AttemptTrace trace);
  }

  private AttemptResult recorded(AttemptContext context, AttemptTrace trace, Locked body) {
    long orderId = context.orderId();
    int attempt = context.number();
    Instant started = clock.instant();
    AttemptResult result = attempt(context, trace, body);
    AttemptRecord record = trace.toRecord(orderId, attempt, started, clock.instant(), result);
    describe(Span.current(), record);
    attemptLog.record(record);
    return result;
  }

  /**
   * The attempt's facts on the caller's span (the worker's span per attempt; a no-op without one). Outcome
   * names and numbers only: no error text, no customer data.
   */
  private static void describe(Span span, AttemptRecord record) {
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(SPAN_OUTCOME, record.outcome());
    if (record.invoiceNumber() != null) {
      span.setAttribute(SPAN_INVOICE, record.invoiceNumber());
    }
    if (record.httpStatus() != null) {
      span.setAttribute(SPAN_HTTP_STATUS, record.httpStatus().longValue());
    }
    if (record.permitWaitMillis() != null) {
      span.setAttribute(SPAN_PERMIT_WAIT, record.permitWaitMillis().longValue());
    }
    if (record.documentNumber() != null) {
      span.setAttribute(SPAN_DOCUMENT, record.documentNumber());
    }
    if (!record.outcome().equals("exported") && !record.outcome().equals("already_exported")) {
      span.setStatus(StatusCode.ERROR, record.outcome());
    }
  }

  private AttemptResult attempt(AttemptContext context, AttemptTrace trace, Locked body) {
    long orderId = context.orderId();
    int attempt = context.number();
    try (MDC.MDCCloseable a = MDC.putCloseable("order_id", Long.toString(orderId));
        MDC.MDCCloseable b = MDC.putCloseable("attempt", Integer.toString(attempt))) {
      try (OrderStore.Session session = orders.open()) {
        session.lock(orderId, lockTimeout, lockLapse);
        try {
          return body.run(session, context, trace);
        } finally {
          try {
            session.unlock(orderId);
          } catch (RuntimeException e) {
            LOG.debug("unlock failed; the lock goes with the connection", e);
          }
        }
      } catch (RuntimeException e) {
        // PostgreSQL unreachable, lock timeout (a concurrent export hangs), or a bug: retry, never lose the job.
        LOG.warn("attempt failed before a final answer: {}", e.toString(), kv("order_id", orderId),
            kv("attempt", attempt), kv("outcome", "retry"));
        return new AttemptResult.Retry(orderId, null, "database or lock failure: " + e.getMessage(), 0, null,
            AttemptResult.Failed.OUR_SIDE_BEFORE_THE_CALL);
      } finally {
        MDC.remove("invoice_number");
      }
    }
  }

  private AttemptResult attemptLocked(OrderStore.Session session, AttemptContext context, AttemptTrace trace) {
    long orderId = context.orderId();
    int attempt = context.number();
    Optional<Order> found = session.find(orderId);
    if (found.isEmpty()) {
      return rejected(orderId, null, "Order " + orderId + " not found", ExportResult.Reason.NOT_FOUND);
    }
    Order order = found.get();
    if (order.invoiceExported()) {
      MDC.put("invoice_number", String.valueOf(order.invoiceNumber()));
      LOG.info("already exported, no call to 1C", kv("order_id", orderId),
          kv("invoice_number", order.invoiceNumber()), kv("attempt", attempt), kv("outcome", "already_exported"));
      return new AttemptResult.Done(new ExportResult(orderId, ExportStatus.ALREADY_EXPORTED, order.invoiceNumber(),
          order.invoiceExportedAt(), 0, null, 0, ExportResult.Reason.NONE), false);
    }
    if (order.isCancelled() || session.cancellation(orderId).requested()) {
      // Refunded or cancelled before its invoice was created: none is made. A number already fixed means a create
      // may have reached 1C (its answer lost); the cancellation (the reconciler's, or the one requested) asks 1C.
      LOG.info("order {} before its invoice was created, no call to 1C", order.isCancelled() ? order.status()
              : "has a cancel request", kv("order_id", orderId), kv("invoice_number", order.invoiceNumber()),
          kv("attempt", attempt), kv("outcome", "not_created"));
      return new AttemptResult.Done(new ExportResult(orderId, ExportStatus.NOT_CREATED, order.invoiceNumber(), null, 0,
          null, 0, ExportResult.Reason.NONE), false);
    }
    if (!order.isPaid()) {
      return rejected(orderId, order.invoiceNumber(),
          "Order status is '" + order.status() + "', expected '" + Order.STATUS_PAID + "'", ExportResult.Reason.NOT_PAID);
    }
    InvoiceDraft draft;
    try {
      draft = builder.prepare(order);
    } catch (InvalidOrderException e) {
      LOG.warn("order is invalid, nothing sent: {}", e.problems(), kv("order_id", orderId),
          kv("invoice_number", order.invoiceNumber()), kv("attempt", attempt), kv("outcome", "rejected"),
          kv("problems", e.problems()));
      return new AttemptResult.Done(new ExportResult(orderId, ExportStatus.REJECTED, order.invoiceNumber(), null, 0,
          "Invalid order: " + String.join("; ", e.problems()), 0, ExportResult.Reason.INVALID), false);
    }
    String number = order.invoiceNumber() != null
        ? order.invoiceNumber()
        : session.assignInvoiceNumber(orderId, draft.year());
    MDC.put("invoice_number", number);
    String body = Json.write(draft.withNumber(number));

    session.idle(); // no database connection held while waiting for a 1C permit and for 1C's answer
    long sendStarted = System.nanoTime();
    OneCClient.Exchange exchange = client.send(number, body, context.probeToken());
    trace.sent(exchange, (System.nanoTime() - sendStarted) / 1_000_000);
    CallOutcome outcome = exchange.outcome();
    if (outcome instanceof CallOutcome.NotCalled notCalled) {
      return notCalled(orderId, number, attempt, notCalled);
    }
    String outcomeName = switch (outcome) {
      case CallOutcome.Success s -> s.existing() ? "exported_existing" : "exported";
      case CallOutcome.Transient t -> "transient_failure";
      case CallOutcome.Permanent p -> "permanent_failure";
      case CallOutcome.NotCalled n -> "not_called";
      case CallOutcome.NotConfigured n -> "not_configured";
      case CallOutcome.AccessRefused a -> "access_refused";
    };
    LOG.info("1C answered {} in {} ms: {}", outcome.httpStatus(), exchange.durationMillis(), outcomeName,
        kv("order_id", orderId), kv("invoice_number", number), kv("attempt", attempt),
        kv("duration_ms", exchange.durationMillis()), kv("http_status", outcome.httpStatus()),
        kv("outcome", outcomeName), kv("request_body", masker.body(body)),
        kv("response_body", masker.body(exchange.responseBody())));
    observer.callFinished(Duration.ofMillis(exchange.durationMillis()), outcomeName);

    return switch (outcome) {
      case CallOutcome.Success s -> recordSuccess(session, order, number, s, exchange.durationMillis());
      case CallOutcome.Transient t -> new AttemptResult.Retry(orderId, number, t.reason(), t.httpStatus(),
          t.retryAfter(), AttemptResult.Failed.ONE_C);
      case CallOutcome.Permanent p when p.refusal() == CallOutcome.Refusal.CANCELLED_BEFORE_CREATION -> {
        // This create was still running in 1C when the order's cancellation found no invoice there: 1C made none
        // and will make none. Nothing for anybody to do; the flag stays unset.
        LOG.info("1C made no invoice: the order's cancellation came first", kv("order_id", orderId),
            kv("invoice_number", number), kv("attempt", attempt), kv("outcome", "not_created"));
        yield new AttemptResult.Done(new ExportResult(orderId, ExportStatus.NOT_CREATED, number, null, 0, null,
            p.httpStatus(), ExportResult.Reason.NONE), true);
      }
      case CallOutcome.Permanent p -> new AttemptResult.Done(new ExportResult(orderId, ExportStatus.REJECTED, number,
          null, 0, p.reason(), p.httpStatus(), ExportResult.Reason.REFUSED_BY_1C), true);
      case CallOutcome.NotCalled n -> throw new IllegalStateException("handled above");
      case CallOutcome.NotConfigured n -> new AttemptResult.Retry(orderId, number, n.reason(), n.httpStatus(),
          n.retryAfter(), AttemptResult.Failed.ONE_C_NOT_CONFIGURED);
      case CallOutcome.AccessRefused a -> new AttemptResult.Retry(orderId, number, a.reason(), a.httpStatus(), null,
          AttemptResult.Failed.ONE_C_ACCESS_REFUSED);
    };
  }

  private AttemptResult recordSuccess(OrderStore.Session session, Order order, String number, CallOutcome.Success success,
      long callMillis) {
    long orderId = order.id();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // the databases keep microseconds
    try {
      // The flag and the lock's release commit together; unlock() after it has nothing left to give back.
      session.markExportedAndUnlock(orderId, number, now, success.documentId(), success.documentNumber());
    } catch (RuntimeException e) {
      // 1C has the invoice; the next attempt is answered "exists" and sets the flag then.
      return new AttemptResult.Retry(orderId, number,
          "1C accepted the invoice but recording it in the database failed: " + e.getMessage(), success.httpStatus(),
          null, AttemptResult.Failed.OUR_SIDE_AFTER_THE_CALL);
    }
    observer.exported(order.paidAt(), now);
    LOG.info("exported", kv("order_id", orderId), kv("invoice_number", number), kv("outcome", "exported"),
        kv("onec_document_id", success.documentId()), kv("onec_document_number", success.documentNumber()),
        kv("existing_in_1c", success.existing()));
    return new AttemptResult.Done(
        new ExportResult(orderId, ExportStatus.EXPORTED, number, now, 0, null, success.httpStatus(),
            ExportResult.Reason.NONE), true, Duration.ofMillis(callMillis));
  }

  private AttemptResult cancelLocked(OrderStore.Session session, AttemptContext context, AttemptTrace trace) {
    long orderId = context.orderId();
    int attempt = context.number();
    Optional<Order> found = session.find(orderId);
    if (found.isEmpty()) {
      return rejected(orderId, null, "Order " + orderId + " not found", ExportResult.Reason.NOT_FOUND);
    }
    Order order = found.get();
    String number = order.invoiceNumber();
    if (number != null) {
      MDC.put("invoice_number", number);
    }
    OrderStore.Cancellation known = session.cancellation(orderId);
    if (known.done()) {
      LOG.info("invoice already cancelled ({}), no call to 1C", known.answer(), kv("order_id", orderId),
          kv("invoice_number", number), kv("attempt", attempt), kv("outcome", "already_cancelled"));
      return done(orderId, ExportStatus.ALREADY_CANCELLED, number, known.cancelledAt(), 0, false);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (!known.requested()) {
      session.requestCancel(orderId, now); // committed: from here on no export of this order calls 1C
    }
    if (number == null) {
      session.recordCancel(orderId, now, OrderStore.CancelAnswer.NEVER_SENT);
      LOG.info("no invoice was ever sent to 1C; none will be", kv("order_id", orderId), kv("attempt", attempt),
          kv("outcome", "not_created"));
      return done(orderId, ExportStatus.NOT_CREATED, null, now, 0, false);
    }
    String reason = "Order " + orderId + (order.isCancelled() ? " " + order.status() + " in the shop"
        : ": cancellation requested");
    session.idle(); // as the export: no database connection held while waiting for a 1C permit and the answer
    long sendStarted = System.nanoTime();
    OneCClient.Exchange exchange = client.cancel(number, reason, context.probeToken());
    trace.sent(exchange, (System.nanoTime() - sendStarted) / 1_000_000);
    CallOutcome outcome = exchange.outcome();
    if (outcome instanceof CallOutcome.NotCalled notCalled) {
      return notCalled(orderId, number, attempt, notCalled);
    }
    LOG.info("1C answered the cancellation {} in {} ms", outcome.httpStatus(), exchange.durationMillis(),
        kv("order_id", orderId), kv("invoice_number", number), kv("attempt", attempt),
        kv("duration_ms", exchange.durationMillis()), kv("http_status", outcome.httpStatus()),
        kv("outcome", "cancel_" + outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)),
        kv("response_body", masker.body(exchange.responseBody())));
    observer.callFinished(Duration.ofMillis(exchange.durationMillis()), "cancel");
    Duration call = Duration.ofMillis(exchange.durationMillis());
    return switch (outcome) {
      case CallOutcome.Success s -> settleCancel(session, orderId, number, now,
          s.existing() ? OrderStore.CancelAnswer.ALREADY_CANCELLED : OrderStore.CancelAnswer.CANCELLED,
          s.existing() ? ExportStatus.ALREADY_CANCELLED : ExportStatus.CANCELLED, s.httpStatus(), call);
      case CallOutcome.Permanent p when p.refusal() == CallOutcome.Refusal.INVOICE_NOT_FOUND
          && !order.invoiceExported() ->
          // The create was in doubt (a number fixed, the flag never set) and did not happen: nothing to mark.
          settleCancel(session, orderId, number, now, OrderStore.CancelAnswer.NOT_FOUND, ExportStatus.NOT_CREATED,
              p.httpStatus(), call);
      case CallOutcome.Permanent p -> {
        String answer = switch (p.refusal()) {
          case INVOICE_NOT_FOUND -> OrderStore.CancelAnswer.NOT_FOUND;
          case INVOICE_HAS_DOCUMENTS -> OrderStore.CancelAnswer.HAS_BASED_DOCUMENTS;
          case REFUSED, CANCELLED_BEFORE_CREATION -> null;
        };
        if (answer != null) {
          try {
            session.recordCancel(orderId, null, answer); // the reconciler leaves it to the accountant
          } catch (RuntimeException e) {
            LOG.warn("1C's refusal not recorded in the ledger: {}", e.getMessage(), kv("order_id", orderId));
          }
        }
        yield new AttemptResult.Done(new ExportResult(orderId, ExportStatus.REJECTED, number, null, 0, p.reason(),
            p.httpStatus(), ExportResult.Reason.of(p.refusal())), true, call);
      }
      case CallOutcome.Transient t -> new AttemptResult.Retry(orderId, number, t.reason(), t.httpStatus(),
          t.retryAfter(), AttemptResult.Failed.ONE_C);
      case CallOutcome.NotConfigured n -> new AttemptResult.Retry(orderId, number, n.reason(), n.httpStatus(),
          n.retryAfter(), AttemptResult.Failed.ONE_C_NOT_CONFIGURED);
      case CallOutcome.AccessRefused a -> new AttemptResult.Retry(orderId, number, a.reason(), a.httpStatus(), null,
          AttemptResult.Failed.ONE_C_ACCESS_REFUSED);
      case CallOutcome.NotCalled n -> throw new IllegalStateException("handled above");
    };
  }

  private AttemptResult settleCancel(OrderStore.Session session, long orderId, String number, Instant now,
      String answer, ExportStatus status, int httpStatus, Duration call) {
    try {
      session.recordCancel(orderId, now, answer);
    } catch (RuntimeException e) {
      // 1C has it marked; the next attempt is answered already_cancelled and records it then.
      return new AttemptResult.Retry(orderId, number,
          "1C answered the cancellation (" + answer + ") but recording it in the database failed: " + e.getMessage(),
          httpStatus, null, AttemptResult.Failed.OUR_SIDE_AFTER_THE_CALL);
    }
    LOG.info("invoice cancellation done: {}", answer, kv("order_id", orderId), kv("invoice_number", number),
        kv("outcome", status.wire()));
    return new AttemptResult.Done(new ExportResult(orderId, status, number, now, 0, null, httpStatus,
        ExportResult.Reason.NONE), true, call);
  }

  private static AttemptResult done(long orderId, ExportStatus status, String number, Instant at, int httpStatus,
      boolean called) {
    return new AttemptResult.Done(new ExportResult(orderId, status, number, at, 0, null, httpStatus,
        ExportResult.Reason.NONE), called);
  }

  private static AttemptResult notCalled(long orderId, String number, int attempt, CallOutcome.NotCalled notCalled) {
    AttemptResult.Failed failed = switch (notCalled.why()) {
      case ONE_C_DOWN -> AttemptResult.Failed.ONE_C_DOWN;
      case CAP_FULL -> AttemptResult.Failed.CAP_FULL;
      case OUR_SIDE -> AttemptResult.Failed.OUR_SIDE_BEFORE_THE_CALL;
    };
    if (failed == AttemptResult.Failed.OUR_SIDE_BEFORE_THE_CALL) {
      LOG.warn("1C not called: {}", notCalled.reason(), kv("order_id", orderId), kv("invoice_number", number),
          kv("attempt", attempt), kv("outcome", "not_called"));
    } else {
      LOG.debug("1C not called: {}", notCalled.reason());
    }
    return new AttemptResult.Retry(orderId, number, notCalled.reason(), 0, notCalled.retryIn(), failed);
  }

  private static AttemptResult rejected(long orderId, String invoiceNumber, String error, ExportResult.Reason why) {
    LOG.warn("rejected: {}", error, kv("order_id", orderId), kv("invoice_number", invoiceNumber),
        kv("outcome", "rejected"));
    return new AttemptResult.Done(
        new ExportResult(orderId, ExportStatus.REJECTED, invoiceNumber, null, 0, error, 0, why), false);
  }
}
