package org.onecexporter.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.Dialect;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.export.AttemptRecord;
import org.onecexporter.history.AttemptHistoryRepository;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.fleet.OneCGate;
import org.onecexporter.queue.fleet.WorkerHeartbeats;

/**
 * What the console and {@code onec-exporter status} show, read from the shop's database (the order through the
 * {@link OrderStore}, so on PostgreSQL or MariaDB/MySQL and with any {@code ORDER_SOURCE}; the attempt history) and
 * Redis (the job, the DLQ, the counters, the workers' heartbeats). Read-only except the two requeue moves.
 */
public final class OperationsData {
  /** Job-record fields holding Redis times in milliseconds, shown as ISO instants. */
  private static final Set<String> TIME_FIELDS = Set.of("enqueued_at", "due_at", "claimed_at", "lease_until",
      "dead_at", "requeued_at");
  private static final Set<String> NUMBER_FIELDS = Set.of("attempts", "stalls", "last_http_status");
  private static final int MAX_ATTEMPTS_SHOWN = 200;
  /** DLQ entries looked at per request when filtering by reason (a page may then come back short, with a cursor). */
  static final int MAX_DLQ_SCAN = 5_000;
  /** DLQ entries per read when filtering by reason. */
  private static final int DLQ_CHUNK = 200;
  private static final Duration RATE_WINDOW = Duration.ofMinutes(15);

  private final Jdbi jdbi;
  private final OrderStore orders;
  private final JobQueue queue;
  private final Clock clock;
  private final Charts charts;

  /** Over the reference schema in the database behind {@code jdbi}. */
  public OperationsData(Jdbi jdbi, JobQueue queue, Clock clock) {
    this(jdbi, new SqlOrderStore(jdbi, ReferenceSource.INSTANCE), queue, clock);
  }

  /** The orders read through {@code orders}; the attempt history from the database behind {@code jdbi}. */
  public OperationsData(Jdbi jdbi, OrderStore orders, JobQueue queue, Clock clock) {
    this.jdbi = jdbi;
    this.orders = orders;
    this.queue = queue;
    this.clock = clock;
    this.charts = new Charts(jdbi, orders::dialect, queue, clock);
  }

  public JobQueue queue() {
    return queue;
  }

  /**
   * The shop database's server as an operator calls it ({@code PostgreSQL}, {@code MariaDB}), for the console's
   * "unreachable" answer; {@code database} when the order store only learns it from a connection and none came.
   */
  public String serverName() {
    try {
      return orders.dialect().serverName();
    } catch (RuntimeException unknown) {
      return "database";
    }
  }

  /** The order as the exporter sees it, without personal data; empty when there is no such order. */
  public Optional<ObjectNode> order(long orderId) {
    return reachable(() -> orders.state(orderId)).map(s -> {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("status", s.status());
      o.put("paid", s.paid());
      o.put("paid_at", iso(s.paidAt()));
      o.put("invoice_exported_to_1c", s.invoiceExported());
      o.put("invoice_number", s.invoiceNumber());
      o.put("invoice_exported_at", iso(s.invoiceExportedAt()));
      o.put("total_amount", s.totalAmount());
      o.put("onec_document_id", s.documentId());
      o.put("onec_document_number", s.documentNumber());
      // The invoice's cancellation (issue 24): invoice_exported_to_1c keeps meaning "it was created".
      OrderStore.Cancellation c = s.cancellation();
      if (c.requested() || c.answer() != null) {
        ObjectNode cancel = o.putObject("invoice_cancellation");
        cancel.put("requested_at", iso(c.requestedAt()));
        cancel.put("cancelled_at", iso(c.cancelledAt()));
        cancel.put("answer", c.answer());
      } else {
        o.putNull("invoice_cancellation");
      }
      o.set("life", life(s));
      return o;
    });
  }

  /**
   * The invoice's life in order, from the database's times: paid, created in 1C, cancel requested, cancelled (or
   * refused, or never created). Each step {@code {"step", "at"}}; {@code at} null when it has no time.
   */
  static com.fasterxml.jackson.databind.node.ArrayNode life(OrderStore.OrderState s) {
    com.fasterxml.jackson.databind.node.ArrayNode steps = Json.MAPPER.createArrayNode();
    OrderStore.Cancellation c = s.cancellation();
    if (s.paidAt() != null) {
      steps.addObject().put("step", "paid").put("at", iso(s.paidAt()));
    }
    if (s.invoiceExported()) {
      steps.addObject().put("step", "created").put("at", iso(s.invoiceExportedAt()));
    }
    if (org.onecexporter.domain.Order.isCancelled(s.status())) {
      steps.addObject().put("step", org.onecexporter.domain.Order.STATUS_REFUNDED.equals(s.status()) ? "refunded"
          : "cancelled_status").putNull("at");
    }
    if (c.requested()) {
      steps.addObject().put("step", "cancel_requested").put("at", iso(c.requestedAt()));
    }
    if (c.done()) {
      boolean marked = OrderStore.CancelAnswer.CANCELLED.equals(c.answer())
          || OrderStore.CancelAnswer.ALREADY_CANCELLED.equals(c.answer());
      steps.addObject().put("step", marked ? "cancelled" : "never_created").put("at", iso(c.cancelledAt()))
          .put("answer", c.answer());
    } else if (c.answer() != null) {
      steps.addObject().put("step", "cancel_refused").putNull("at").put("answer", c.answer());
    }
    return steps;
  }

  /**
   * {@code read}'s answer; a database that cannot be reached is reported as such (a {@code ConnectionException},
   * which the console answers with 503), not as a failed query.
   */
  private static <T> T reachable(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (OrderStore.StoreException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof org.jdbi.v3.core.ConnectionException unreachable) {
          throw unreachable;
        }
      }
      throw e;
    }
  }

  /**
   * The status document: the order, where its invoice is now ({@code where}), its job or DLQ entry, and its
   * attempts oldest first. {@code order} is null when the order does not exist.
   */
  public ObjectNode status(long orderId) {
    return status(orderId, null);
  }

  /**
   * As {@link #status(long)} when Redis cannot be reached ({@code queueUnknown}: why, in one line; null when it
   * can): what PostgreSQL knows, with {@code "queue":"unknown: …"}; {@code where} is {@code exported} when the flag
   * is set, else {@code unknown} (the job could be queued, waiting, exporting or in the DLQ).
   */
  public ObjectNode status(long orderId, String queueUnknown) {
    ObjectNode doc = Json.MAPPER.createObjectNode().put("order_id", orderId);
    Optional<ObjectNode> order = order(orderId);
    doc.set("order", order.orElse(null));
    if (queueUnknown != null) {
      doc.put("where", order.isEmpty() ? "unknown_order" : whereWithoutQueue(order.get()));
      doc.put("queue", "unknown: " + queueUnknown);
      doc.putNull("job");
      doc.putNull("dlq_entry");
      ArrayNode attempts = attempts(orderId, doc);
      doc.put("trace_id", traceId(attempts, null));
      return doc;
    }
    Map<String, String> job = queue.job(Long.toString(orderId));
    String state = job.get("state");
    String cancelId = org.onecexporter.queue.JobIds.cancel(orderId);
    Map<String, String> cancelJob = queue.job(cancelId);
    doc.put("where", where(order.orElse(null), state, cancelJob.get("state")));
    jobRecord(doc, "job", job);
    jobRecord(doc, "cancel_job", cancelJob);
    JsonNode entry = "dead".equals(state) ? dlqEntry(Long.toString(orderId)) : null;
    doc.set("dlq_entry", entry == null ? null : withIsoTimes(entry));
    JsonNode cancelEntry = "dead".equals(cancelJob.get("state")) ? dlqEntry(cancelId) : null;
    doc.set("cancel_dlq_entry", cancelEntry == null ? null : withIsoTimes(cancelEntry));
    ArrayNode attempts = attempts(orderId, doc);
    doc.put("trace_id", traceId(attempts, job.get("traceparent")));
    return doc;
  }

  /** A job record under {@code field} (null when there is none), without its lease token. */
  private void jobRecord(ObjectNode doc, String field, Map<String, String> job) {
    if (job.isEmpty()) {
      doc.putNull(field);
    } else {
      ObjectNode record = doc.putObject(field);
      new java.util.TreeMap<>(job).forEach((k, v) -> {
        if (k.equals("token")) {
          return;
        }
        if (TIME_FIELDS.contains(k)) {
          record.put(k, millis(v));
        } else if (NUMBER_FIELDS.contains(k) && v.matches("-?\\d{1,9}")) {
          record.put(k, Integer.parseInt(v));
        } else {
          record.put(k, v);
        }
      });
    }
  }

  private ArrayNode attempts(long orderId, ObjectNode doc) {
    ArrayNode attempts = doc.putArray("attempts");
    try {
      for (AttemptHistoryRepository.Entry e : new AttemptHistoryRepository(jdbi).forOrder(orderId,
          MAX_ATTEMPTS_SHOWN)) {
        attempts.add(attempt(e));
      }
    } catch (RuntimeException e) {
      doc.put("attempts_error", "attempt history unavailable: " + e.getMessage());
    }
    return attempts;
  }

  /**
   * The order's OpenTelemetry trace (the payment's, when the enqueuer recorded it): the latest attempt's, else
   * the one the job was queued with; null when there is none. Hex only, to look up in Jaeger or Tempo.
   */
  static String traceId(ArrayNode attempts, String traceparent) {
    for (int i = attempts.size() - 1; i >= 0; i--) {
      String id = attempts.get(i).path("trace_id").asText("");
      if (id.matches("[0-9a-f]{32}")) {
        return id;
      }
    }
    if (traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
      return traceparent.substring(3, 35);
    }
    return null;
  }

  /** What the database alone settles, whatever the queue holds: {@link #settledByTheDatabase(String)}. */
  private static final java.util.Set<String> SETTLED_BY_THE_DATABASE =
      java.util.Set.of("exported", "cancelled", "never_created", "cancel_refused");

  /**
   * Whether {@code where} is a full answer from the database alone (the invoice created, marked in 1C, never made, or
   * its cancellation refused by 1C): true for these even when the queue cannot be read.
   */
  public static boolean settledByTheDatabase(String where) {
    return SETTLED_BY_THE_DATABASE.contains(where);
  }

  /**
   * {@link #where(ObjectNode, String, String)} when the queue cannot be read: what the database settles, else
   * {@code unknown} (a job, or a cancellation asked for but not done, may be anywhere).
   */
  static String whereWithoutQueue(ObjectNode order) {
    String where = where(order, null, null);
    return settledByTheDatabase(where) ? where : "unknown";
  }

  /**
   * In one word, with the invoice's cancellation: {@code cancelled} (1C marked it), {@code never_created} (refunded
   * or cancelled before 1C had it), {@code cancel_refused} (1C refused: the accountant decides), {@code cancelling}
   * (its cancel job is queued, waiting or running), {@code cancel_dlq}, {@code cancel_not_queued} (refunded or
   * cancelled with an invoice number, and no cancellation done, refused or queued: the reconciler or an enqueue call
   * has yet to ask for it); otherwise as {@link #where(ObjectNode, String)}.
   */
  static String where(ObjectNode order, String jobState, String cancelJobState) {
    JsonNode c = order == null ? null : order.get("invoice_cancellation");
    if (c != null && !c.isNull()) {
      String answer = c.path("answer").asText("");
      if (!c.path("cancelled_at").isNull()) {
        return answer.equals("cancelled") || answer.equals("already_cancelled") ? "cancelled" : "never_created";
      }
    }
    if (cancelJobState != null) {
      return "dead".equals(cancelJobState) ? "cancel_dlq" : "cancelling";
    }
    if (c != null && !c.isNull() && !c.path("answer").isNull()) {
      return "cancel_refused";
    }
    if (order != null && org.onecexporter.domain.Order.isCancelled(order.path("status").asText(""))) {
      if (order.path("invoice_number").isNull()) {
        if (!order.path("invoice_exported_to_1c").asBoolean()) {
          return "never_created";
        }
      } else {
        return "cancel_not_queued";
      }
    }
    return where(order, jobState);
  }

  /** In one word, for the page's headline. */
  static String where(ObjectNode order, String jobState) {
    if (order != null && order.path("invoice_exported_to_1c").asBoolean()) {
      return "exported";
    }
    if (jobState != null) {
      return switch (jobState) {
        case "ready" -> "queued";
        case "delayed" -> "waiting_retry";
        case "active" -> "exporting";
        case "dead" -> "dlq";
        default -> jobState;
      };
    }
    if (order == null) {
      return "unknown_order";
    }
    return order.path("paid").asBoolean() ? "not_queued" : "not_paid";
  }

  private static ObjectNode attempt(AttemptHistoryRepository.Entry e) {
    AttemptRecord a = e.attempt();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("attempt", a.attempt());
    n.put("actor", e.actor());
    n.put("started_at", a.startedAt().toString());
    n.put("finished_at", a.finishedAt().toString());
    n.put("duration_ms", Duration.between(a.startedAt(), a.finishedAt()).toMillis());
    n.put("outcome", a.outcome());
    n.put("invoice_number", a.invoiceNumber());
    n.put("http_status", a.httpStatus());
    n.put("error", a.error());
    n.put("onec_document_id", a.documentId());
    n.put("onec_document_number", a.documentNumber());
    n.put("permit_wait_ms", a.permitWaitMillis());
    n.put("trace_id", a.traceId());
    return n;
  }

  /** An order id for a search box: the id itself when such an order exists, or the order of an invoice number. */
  public Optional<Long> find(String query) {
    String q = query == null ? "" : query.strip();
    if (q.isEmpty() || q.length() > 64) {
      return Optional.empty();
    }
    if (OrderIds.valid(q)) {
      long id = Long.parseLong(q);
      if (reachable(() -> orders.state(id)).isPresent()) {
        return Optional.of(id);
      }
    }
    String number = q.toUpperCase(Locale.ROOT);
    Optional<Long> byOrder = reachable(() -> orders.orderOfInvoice(number));
    if (byOrder.isPresent()) {
      return byOrder;
    }
    try {
      return jdbi.withHandle(h -> h.createQuery(
              "SELECT order_id FROM export_attempts WHERE upper(invoice_number) = :n ORDER BY id DESC LIMIT 1")
          .bind("n", number).mapTo(Long.class).findOne());
    } catch (RuntimeException noHistory) {
      return Optional.empty();
    }
  }

  /** The DLQ entry of one order, or null: built from its job record, never by reading the DLQ. */
  JsonNode dlqEntry(String orderId) {
    return DlqEntries.fromRecord(orderId, queue.job(orderId));
  }

  /**
   * {@code {"total", "reasons": {reason: count}, "entries": [...], "next_cursor"}}: up to {@code limit} entries of
   * {@code reason} (all when empty) from position {@code cursor} of the DLQ (0: the newest). The counts come from
   * the counts the scripts keep ({@code DeadLetters.reasons()}); the entries from bounded reads only: without a
   * reason exactly the page asked for, with one at most {@link #MAX_DLQ_SCAN} entries looked at per request.
   * {@code next_cursor} is where the next page starts (null at the end); entries dead-lettered meanwhile shift
   * positions, so a page may repeat an entry of the one before.
   */
  public ObjectNode dlq(String reason, int limit, long cursor) {
    Map<String, Long> reasons = queue.deadLetters().reasons();
    long length = queue.deadLetters().length();
    boolean any = reason == null || reason.isEmpty();
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("total", any ? length : reasons.getOrDefault(reason, 0L));
    ObjectNode byReason = out.putObject("reasons");
    reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> byReason.put(e.getKey(), e.getValue()));
    ArrayNode entries = out.putArray("entries");
    long position = Math.max(0, cursor);
    long scanned = 0;
    while (entries.size() < limit && position < length && scanned < MAX_DLQ_SCAN) {
      int chunk = any ? limit - entries.size() : (int) Math.min(DLQ_CHUNK, MAX_DLQ_SCAN - scanned);
      List<JsonNode> read = DlqEntries.read(queue, position, chunk);
      if (read.isEmpty()) {
        break;
      }
      int used = 0;
      for (JsonNode entry : read) {
        used++;
        if (any || reason.equals(entry.path("reason").asText("unreadable"))) {
          entries.add(withIsoTimes(entry));
          if (entries.size() >= limit) {
            break;
          }
        }
      }
      position += used;
      scanned += used;
    }
    if (position < length) {
      out.put("next_cursor", position);
    } else {
      out.putNull("next_cursor");
    }
    return out;
  }

  private static JsonNode withIsoTimes(JsonNode entry) {
    if (!(entry instanceof ObjectNode object)) {
      return entry;
    }
    ObjectNode copy = object.deepCopy();
    for (String field : List.of("enqueued_at", "dead_at")) {
      JsonNode value = copy.get(field);
      if (value != null && value.canConvertToLong() && value.asLong() > 0) {
        copy.put(field, Instant.ofEpochMilli(value.asLong()).toString());
      }
    }
    return copy;
  }

  /** The overview's charts of the last {@code hours} (one of {@link Charts#WINDOWS_HOURS}); see {@link Charts}. */
  public ObjectNode charts(int hours) {
    return charts.last(hours);
  }

  /** Queue sizes, counters, percentiles, rates, 1C's state and the workers seen recently. */
  public ObjectNode overview() {
    ObjectNode out = Json.MAPPER.createObjectNode();
    QueueStats.Stats s = queue.stats();
    out.putObject("queues").put("ready", s.ready()).put("delayed", s.delayed()).put("active", s.active())
        .put("dlq", s.dlq());
    if (s.oldestWaiting().isPresent()) {
      out.put("oldest_waiting_seconds", s.oldestWaiting().get().toMillis() / 1000.0);
    } else {
      out.putNull("oldest_waiting_seconds");
    }
    ObjectNode counters = out.putObject("counters");
    s.counters().forEach(counters::put);
    QueueStats.Timings t = queue.queueStats().timings(RATE_WINDOW);
    ObjectNode times = out.putObject("export_time");
    times.put("window_minutes", RATE_WINDOW.toMinutes()).put("exports", t.count());
    percentiles(times.putObject("queued_to_exported_ms"), t.jobP50(), t.jobP95(), t.jobP99());
    percentiles(times.putObject("onec_call_ms"), t.callP50(), t.callP95(), t.callP99());

    ObjectNode rates = out.putObject("rates");
    rates.put("window_minutes", RATE_WINDOW.toMinutes());
    rates.put("exported_per_minute", Math.round(t.count() * 10.0 / RATE_WINDOW.toMinutes()) / 10.0);
    ObjectNode attempts = rates.putObject("attempts");
    try {
      Dialect d = orders.dialect();
      jdbi.useHandle(h -> h.createQuery("""
              SELECT outcome, count(*) AS n FROM export_attempts
               WHERE finished_at > %s GROUP BY outcome ORDER BY outcome""".formatted(d.agoMicros("age_us")))
          .bind("age_us", RATE_WINDOW.toNanos() / 1000)
          .map((rs, ctx) -> attempts.put(rs.getString("outcome"), rs.getLong("n")))
          .list());
    } catch (RuntimeException e) {
      rates.put("attempts_error", "attempt history unavailable");
    }

    List<WorkerHeartbeats.Seen> workers = queue.recentWorkers(clock);
    ArrayNode list = out.putArray("workers");
    for (WorkerHeartbeats.Seen w : workers) {
      list.addObject().put("id", w.workerId()).put("seen_at", Instant.ofEpochMilli(w.seenAtMillis()).toString())
          .put("circuit", w.circuit().toLowerCase(Locale.ROOT)).put("in_flight", w.inFlight())
          .put("concurrency", w.concurrency());
    }
    out.set("onec", oneCState(workers));
    return out;
  }

  /**
   * 1C as the fleet sees it: {@code paused} while a worker's circuit is open (since when), else from the latest
   * calls in the attempt history: {@code down} (transient failures since …), {@code not_configured},
   * {@code access_refused} (the latest pause came from a 401 or 403: the exporter's credentials or rights),
   * {@code ok}, or {@code unknown} when there were no calls in the last day.
   */
  private ObjectNode oneCState(List<WorkerHeartbeats.Seen> workers) {
    ObjectNode state = Json.MAPPER.createObjectNode();
    // The fleet's own verdict first (P:onec_health, written by the workers' calls), then their heartbeats.
    OneCGate.State health = queue.oneC().state();
    long pausedSince = health.down() ? health.downSinceMillis() : 0;
    if (pausedSince > 0 && health.nextProbeAtMillis() > 0) {
      state.put("next_probe_at", Instant.ofEpochMilli(health.nextProbeAtMillis()).toString());
    }
    if (pausedSince == 0) {
      pausedSince = workers.stream().filter(w -> !w.circuit().equals("CLOSED"))
          .mapToLong(WorkerHeartbeats.Seen::circuitSinceMillis).min().orElse(0);
    }
    List<Object[]> calls;
    try {
      Dialect d = orders.dialect();
      calls = jdbi.withHandle(h -> h.createQuery("""
              SELECT outcome, finished_at, http_status, error FROM export_attempts
               WHERE outcome IN ('exported', 'rejected_refused_by_1c', 'transient_failure', 'not_configured')
                 AND finished_at > %s
               ORDER BY finished_at DESC LIMIT 200""".formatted(d.agoMicros("age_us")))
          .bind("age_us", Duration.ofDays(1).toNanos() / 1000)
          .map((rs, ctx) -> new Object[] {rs.getString(1), d.instant(rs, "finished_at"), rs.getObject(3),
              rs.getString(4)})
          .list());
    } catch (RuntimeException e) {
      calls = List.of();
    }
    String latest = calls.isEmpty() ? null : (String) calls.get(0)[0];
    Instant since = null;
    for (Object[] call : calls) {
      if (!call[0].equals(latest)) {
        break;
      }
      since = (Instant) call[1];
    }
    if (pausedSince > 0) {
      state.put("state", "paused");
      state.put("since", Instant.ofEpochMilli(pausedSince).toString());
    } else if (latest == null) {
      state.put("state", "unknown");
    } else if (latest.equals("transient_failure")) {
      state.put("state", "down");
      state.put("since", since.toString());
    } else if (latest.equals("not_configured")) {
      // 1C's 401 and 403 are recorded as not_configured too (the same pause), but the fix is not the extension's
      // settings: the exporter's ONEC_USERNAME/ONEC_PASSWORD or its 1C user's rights; last_error says which.
      Object status = calls.get(0)[2];
      boolean refused = status instanceof Number n && (n.intValue() == 401 || n.intValue() == 403);
      state.put("state", refused ? "access_refused" : "not_configured");
      state.put("since", since.toString());
    } else {
      state.put("state", "ok");
    }
    if (!calls.isEmpty()) {
      Object[] last = calls.get(0);
      state.put("last_call_at", last[1].toString());
      state.put("last_call_outcome", (String) last[0]);
      if (last[2] != null) {
        state.put("last_http_status", ((Number) last[2]).intValue());
      }
      if (!"exported".equals(last[0])) {
        state.put("last_error", (String) last[3]);
      }
    }
    return state;
  }

  private static void percentiles(ObjectNode node, Optional<Duration> p50, Optional<Duration> p95,
      Optional<Duration> p99) {
    put(node, "p50", p50);
    put(node, "p95", p95);
    put(node, "p99", p99);
  }

  private static void put(ObjectNode node, String name, Optional<Duration> value) {
    if (value.isPresent()) {
      node.put(name, value.get().toMillis());
    } else {
      node.putNull(name);
    }
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String millis(String value) {
    try {
      return Instant.ofEpochMilli(Long.parseLong(value)).toString();
    } catch (NumberFormatException e) {
      return value;
    }
  }
}
