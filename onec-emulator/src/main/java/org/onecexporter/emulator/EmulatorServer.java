package org.onecexporter.emulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers like the 1C:UNF {@code invoices} HTTP service would: UTF-8 Basic auth, strict contract validation,
 * idempotency by invoice number, 1C-like document ids and numbers, plus fault injection for tests and demos.
 *
 * <p>Routes: {@code POST|GET <publication>/hs/invoices}, {@code POST <publication>/hs/invoices/<number>/cancel}
 * (marks the invoice for deletion, as the extension's second method does); control under {@code /_emulator/}:
 * {@code invoices} (listing), {@code invoices/<number>} (one invoice: its deletion mark, cancellation, documents
 * based on it), {@code based-documents} (POST {@code {"invoice_number":…,"type":"ПоступлениеНаСчет"}} to say a
 * document is based on an invoice, DELETE to clear), {@code faults} (POST a plan, DELETE to clear), {@code reset},
 * {@code stats}, {@code health}; any other GET answers 200 with an HTML page, as a publication root does.
 */
public final class EmulatorServer implements AutoCloseable {
  static final String SESSION_LOCK_TEXT =
      "Начало сеанса с информационной базой запрещено. Выполняется обновление конфигурации информационной базы.";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final EmulatorConfig config;
  private final HttpServer server;
  /**
   * One request's arrival (nanoTime at the handler's start) and whether it was answered as an invoice. Not an
   * exchange attribute: the JDK's HttpServer keeps those in the context, shared by all exchanges at once.
   */
  private static final class Arrival {
    final long nanos = System.nanoTime();
    /**
     * The latency this request is answered at, set when the service takes it; 0 when a fault decides its timing
     * (a hang is the fault's, not the emulator's wake-up, and teaches the lead nothing).
     */
    long latencyNanos;
    boolean invoiceAnswered;
  }
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final FaultPlan faults;
  private final Map<String, StoredInvoice> invoices = new ConcurrentHashMap<>();
  private final AtomicLong documentCounter = new AtomicLong();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private volatile long latencyMillis;
  private volatile long hangMillis;
  /**
   * How much earlier than its answer time the emulator wakes up, learnt from its own invoice answers: waking from
   * a sleep and writing the answer take it past the time it aimed at (about 1 ms at 10 ms in the tests, 0.3-0.4 ms
   * at 50 ms in the benchmark), and a benchmark's limit {@code cap ÷ latency} is only reachable if the mean answer
   * time is the latency asked for.
   */
  private final AtomicLong leadNanos = new AtomicLong();
  /** The lead is at most this, or a quarter of the latency, whichever is less. */
  private static final long MAX_LEAD_NANOS = 5_000_000;

  /**
   * One POST to the invoices service as it arrived: when, for which invoice number, with which fault, and the
   * W3C {@code traceparent} header it carried (null when none; a real 1C ignores it, the tests read it).
   */
  public record ReceivedRequest(Instant at, String invoiceNumber, Fault fault, String traceparent, Operation operation) {}

  /** Which method of the invoices service a request called. */
  public enum Operation {
    CREATE, CANCEL;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An invoice marked for deletion by a cancellation: when (the first time) and why. */
  public record Cancellation(Instant at, String reason) {}

  /** A document based on an invoice in 1C (a payment, a shipment): its metadata name, number and date. */
  public record BasedDocument(String type, String number, java.time.LocalDate date) {}

  /** The most a cancellation's reason may hold (the extension's register keeps String(200)). */
  public static final int MAX_CANCEL_REASON = 200;
  private static final java.util.regex.Pattern CANCEL_PATH =
      java.util.regex.Pattern.compile(".*/hs/invoices/([^/]*)/cancel/?");
  private static final java.util.regex.Pattern INVOICE_NUMBER =
      java.util.regex.Pattern.compile("INV-[0-9]{4}-[0-9]{3,41}|TEST-[A-Z0-9-]{1,45}");

  private final Map<String, Cancellation> cancellations = new ConcurrentHashMap<>();
  /**
   * Numbers cancelled while 1C had no invoice for them (the extension's register keeps such a record without a
   * document): a create of one of them that comes later, or that was still running in 1C, makes nothing.
   */
  private final Map<String, Cancellation> cancelledUnmade = new ConcurrentHashMap<>();
  private final Map<String, List<BasedDocument>> basedDocuments = new ConcurrentHashMap<>();
  /** Cancellations and documents based on invoices change under this lock, so a check and its mark are one step. */
  private final Object marks = new Object();
  private final AtomicLong basedCounter = new AtomicLong();

  // A queue, not a copy-on-write list: each add to a list of n copies n entries, and a run of 100,000 orders made
  // the emulator's own CPU grow with the run and take the cores the worker it measures needs.
  private final java.util.Queue<ReceivedRequest> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxConcurrent = new java.util.concurrent.atomic.AtomicInteger();

  /** One invoice as 1C would hold it. */
  public record StoredInvoice(
      String invoiceNumber, String documentId, String number, Instant createdAt, JsonNode request) {}

  public EmulatorServer(EmulatorConfig config) throws IOException {
    this.config = config;
    this.faults = new FaultPlan(config.seed());
    this.faults.probabilities(config.faultProbabilities());
    this.latencyMillis = config.latencyMillis();
    this.hangMillis = config.hangMillis();
    this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 512);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public EmulatorServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL an exporter is configured with ({@code ONEC_BASE_URL}). */
  public String baseUrl() {
    return "http://" + config.host() + ":" + port() + "/unf";
  }

  public FaultPlan faults() {
    return faults;
  }

  public void latencyMillis(long millis) {
    this.latencyMillis = millis;
  }

  public void hangMillis(long millis) {
    this.hangMillis = millis;
  }

  public List<StoredInvoice> invoices() {
    return invoices.values().stream()
        .sorted(java.util.Comparator.comparing(StoredInvoice::createdAt).thenComparing(StoredInvoice::number))
        .toList();
  }

  public long counter(String name) {
    AtomicLong value = counters.get(name);
    return value == null ? 0 : value.get();
  }

  /** Every POST received since the last reset, in arrival order. */
  public List<ReceivedRequest> received() {
    return List.copyOf(received);
  }

  /** The cancellation of this invoice, if 1C marked it for deletion. */
  public java.util.Optional<Cancellation> cancellation(String invoiceNumber) {
    return java.util.Optional.ofNullable(cancellations.get(invoiceNumber));
  }

  /** Whether the invoice made for this number is marked for deletion. */
  public boolean deletionMarked(String invoiceNumber) {
    return cancellations.containsKey(invoiceNumber);
  }

  /**
   * Says that a document of {@code type} (e.g. {@code ПоступлениеНаСчет}, a payment; {@code РасходнаяНакладная}, a
   * shipment) is based on the invoice: its cancellation is then refused ({@code has_based_documents}).
   *
   * @return false when no invoice was made for this number
   */
  public boolean addBasedDocument(String invoiceNumber, String type) {
    synchronized (marks) {
      if (!invoices.containsKey(invoiceNumber)) {
        return false;
      }
      basedDocuments.computeIfAbsent(invoiceNumber, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(new BasedDocument(type, String.format("0000-%06d", basedCounter.incrementAndGet()),
              java.time.LocalDate.now(java.time.ZoneOffset.UTC)));
      return true;
    }
  }

  public List<BasedDocument> basedDocuments(String invoiceNumber) {
    return List.copyOf(basedDocuments.getOrDefault(invoiceNumber, List.of()));
  }

  public void reset() {
    synchronized (marks) {
      cancellations.clear();
      cancelledUnmade.clear();
      basedDocuments.clear();
    }
    received.clear();
    maxConcurrent.set(0);
    invoices.clear();
    faults.clear();
    counters.clear();
    latencyMillis = config.latencyMillis();
    hangMillis = config.hangMillis();
    leadNanos.set(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Serves one request; for each invoice it creates or finds (the answers a run of exports is made of) it counts
   * the time from the handler's start to the answer written ({@code answers}, {@code answer_nanos} in
   * {@code /_emulator/stats}): the 1C time a benchmark's limit is made of, as this emulator kept it, beside the
   * latency it was asked for.
   */
  private void handle(HttpExchange exchange) throws IOException {
    Arrival arrival = new Arrival();
    try {
      serve(exchange, arrival);
    } finally {
      if (arrival.invoiceAnswered) {
        long nanos = System.nanoTime() - arrival.nanos;
        counters.computeIfAbsent("answer_nanos", k -> new AtomicLong()).addAndGet(nanos);
        count("answers");
        learnLead(nanos - arrival.latencyNanos, arrival.latencyNanos);
      }
    }
  }

  /**
   * Moves the lead an eighth of the way towards making this answer on time: a late answer makes the next ones aim
   * earlier, an early one later, so the mean answer time settles on the latency whatever the machine's wake-up
   * delay. Never negative (an answer is not held back beyond its time) and never over a quarter of the latency.
   */
  private void learnLead(long lateNanos, long latencyNanos) {
    if (latencyNanos <= 0) {
      return;
    }
    long most = Math.min(MAX_LEAD_NANOS, latencyNanos / 4);
    leadNanos.updateAndGet(lead -> Math.clamp(lead + lateNanos / 8, 0, most));
  }

  private void serve(HttpExchange exchange, Arrival arrival) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (path.startsWith("/_emulator/")) {
        String action = path.substring("/_emulator/".length());
        // Only liveness is open: the fault controls and the listings (which hold buyers' data) need the same
        // credentials as the service.
        if (!"health".equals(action) && !authorized(exchange)) {
          count("unauthorized");
          exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"1C:Enterprise 8.3\"");
          send(exchange, 401, "text/plain; charset=utf-8", "");
          return;
        }
        control(exchange, method, action, body);
      } else if (path.endsWith("/hs/invoices") || path.endsWith("/hs/invoices/")) {
        service(exchange, method, body, null, arrival);
      } else if (CANCEL_PATH.matcher(exchange.getRequestURI().getRawPath()).matches()) {
        java.util.regex.Matcher m = CANCEL_PATH.matcher(exchange.getRequestURI().getRawPath());
        m.matches();
        service(exchange, method, body, m.group(1), arrival);
      } else if (method.equals("GET")) {
        send(exchange, 200, "text/html; charset=utf-8", webClientPage());
      } else {
        send(exchange, 404, "text/html; charset=utf-8", "<html><body><h1>404 Not Found</h1></body></html>");
      }
    } catch (RuntimeException e) {
      send(exchange, 500, "application/json; charset=utf-8",
          json(JSON.createObjectNode().put("status", "error").put("error", String.valueOf(e.getMessage()))));
    }
  }

  /** @param cancelNumber the raw (URL-encoded) invoice number of a cancellation, null for the create method */
  private void service(HttpExchange exchange, String method, byte[] body, String cancelNumber, Arrival arrival)
      throws IOException {
    int now = concurrent.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      serviceCounted(exchange, method, body, cancelNumber, arrival);
    } finally {
      concurrent.decrementAndGet();
    }
  }

  /** The most POSTs/GETs to the service that were in progress at the same time since the last reset. */
  public int maxConcurrentRequests() {
    return maxConcurrent.get();
  }

  private void serviceCounted(HttpExchange exchange, String method, byte[] body, String cancelNumber,
      Arrival arrival) throws IOException {
    count("requests");
    if (!authorized(exchange)) {
      count("unauthorized");
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"1C:Enterprise 8.3\"");
      send(exchange, 401, "text/plain; charset=utf-8", "");
      return;
    }
    if (method.equals("GET") && cancelNumber == null) {
      send(exchange, 200, "application/json; charset=utf-8", json(listing()));
      return;
    }
    if (!method.equals("POST")) {
      send(exchange, 405, "text/plain; charset=utf-8", "");
      return;
    }
    Fault fault = faults.next();
    String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
    String decodedNumber = cancelNumber == null ? null : percentDecoded(cancelNumber);
    received.add(new ReceivedRequest(Instant.now(),
        cancelNumber == null ? invoiceNumberOf(body) : decodedNumber == null ? "" : decodedNumber, fault,
        traceparent == null || traceparent.length() > 64 ? null : traceparent,
        cancelNumber == null ? Operation.CREATE : Operation.CANCEL));
    // The answer leaves latency_ms after the request arrived, the emulator's own work included, as from a 1C
    // server whose response time is latency_ms.
    long latencyNanos = latencyMillis * 1_000_000;
    arrival.latencyNanos = fault == Fault.NONE ? latencyNanos : 0;
    long answerAt = arrival.nanos + latencyNanos;
    if (fault != Fault.NONE) {
      count("fault_" + fault.wire());
    }
    if (answeredByFault(exchange, fault, answerAt, body, cancelNumber != null)) {
      return;
    }
    if (fault == Fault.HANG_THEN_COMMIT) {
      sleep(hangMillis); // 1C goes on with a request its client gave up on, then does what it asked
    }
    if (cancelNumber != null) {
      cancel(exchange, answerAt, fault, decodedNumber, body);
      return;
    }

    if (body.length > InvoiceValidator.MAX_BODY_BYTES) {
      count("rejected");
      answer(exchange, answerAt, 413, "application/json; charset=utf-8",
          json(errors(List.of("body is larger than " + InvoiceValidator.MAX_BODY_BYTES + " bytes"))));
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      count("rejected");
      answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(errors(List.of("body must be a JSON object"))));
      return;
    }
    List<String> problems = InvoiceValidator.validate(request);
    if (!problems.isEmpty()) {
      count("rejected");
      answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(errors(problems)));
      return;
    }
    String invoiceNumber = request.get("invoice_number").asText();
    boolean[] created = {false};
    // One step with a cancellation of the same number (which looks under the same key's lock): either the invoice is
    // made first and the cancellation marks it, or the cancellation finds none first and no invoice is ever made.
    StoredInvoice invoice = invoices.computeIfAbsent(invoiceNumber, key -> {
      if (cancelledUnmade.containsKey(key)) {
        return null;
      }
      created[0] = true;
      long seq = documentCounter.incrementAndGet();
      return new StoredInvoice(key, UUID.randomUUID().toString(), String.format("0000-%06d", seq), Instant.now(),
          request);
    });
    if (invoice == null) {
      count("refused_cancelled");
      answer(exchange, answerAt, 409, "application/json; charset=utf-8", json(errors("cancelled", List.of(
          "invoice_number: the shop cancelled this number before 1C made an invoice for it; none will be made"))));
      return;
    }
    count(created[0] ? "created" : "existing");
    if (fault == Fault.COMMIT_THEN_DROP) {
      sleepUntil(answerAt);
      return;
    }
    if (fault == Fault.COMMIT_THEN_HANG) {
      sleepUntil(answerAt);
      sleep(hangMillis);
    }
    ObjectNode answer = JSON.createObjectNode()
        .put("status", created[0] ? "created" : "exists")
        .put("existing", !created[0])
        .put("document_id", invoice.documentId())
        .put("number", invoice.number())
        .put("invoice_number", invoice.invoiceNumber());
    arrival.invoiceAnswered = true;
    answer(exchange, answerAt, created[0] ? 201 : 200, "application/json; charset=utf-8", json(answer));
  }

  /**
   * Answers the request as {@code fault} says, if it says anything before the method's own work (the faults that
   * commit first are left to the method); true when answered.
   */
  private boolean answeredByFault(HttpExchange exchange, Fault fault, long answerAt, byte[] body, boolean cancel)
      throws IOException {
    if (cancel && (fault == Fault.NOT_FILLABLE || fault == Fault.VAT_OUTDATED || fault == Fault.NOT_CONFIGURED)) {
      return false; // the cancel method reads no products, VAT or settings: it never answers these
    }
    switch (fault) {
      case ERROR_500 -> {
        answer(exchange, answerAt, 500, "text/plain; charset=utf-8", "{Документ.СчетНаОплату.МодульОбъекта(42)}: Конфликт блокировок"
            + " при выполнении транзакции: Превышено максимальное время ожидания предоставления блокировки");
        return true;
      }
      case ERROR_502 -> {
        answer(exchange, answerAt, 502, "text/html; charset=utf-8", "<html><body><h1>502 Bad Gateway</h1></body></html>");
        return true;
      }
      case ERROR_503 -> {
        answer(exchange, answerAt, 503, "text/html; charset=utf-8",
            "<html><body><h1>503 Service Unavailable</h1></body></html>");
        return true;
      }
      case NOT_CONFIGURED -> {
        exchange.getResponseHeaders().set("Retry-After", "300");
        ObjectNode notConfigured = JSON.createObjectNode().put("status", "not_configured");
        notConfigured.putArray("errors").add("settings: the delivery item («Услуга доставки») is not set");
        answer(exchange, answerAt, 503, "application/json; charset=utf-8", json(notConfigured));
        return true;
      }
      case VAT_OUTDATED -> {
        refusal(exchange, answerAt, 503, "not_configured", "vat: the general VAT rate in 1C for the invoice date is"
            + " 20 %, the law sets 22 % from 2026-01-01: update UNF to a release that knows the rate");
        return true;
      }
      case PERIOD_CLOSED -> {
        refusal(exchange, answerAt, 422, "period_closed", "date: the invoice date lies in a period closed for"
            + " changes in 1C (даты запрета изменения) for the organisation of the invoice");
        return true;
      }
      case ACCESS_DENIED -> {
        refusal(exchange, answerAt, 403, "access_denied", cancel
            ? "rights: the service's 1C user lacks «Изменение» on Документ.СчетНаОплату (the access group profile in"
                + " the extension's README)"
            : "rights: the service's 1C user lacks «Добавление» on Справочник.Контрагенты (the access group profile"
                + " in the extension's README)");
        return true;
      }
      case HUGE_400 -> {
        JsonNode customer = requestOrEmpty(body).path("customer");
        ObjectNode huge = JSON.createObjectNode().put("status", "error");
        huge.putArray("errors").add("Покупатель " + customer.path("name").asText("") + " "
            + customer.path("phone").asText("") + " " + "A".repeat(1 << 20));
        answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(huge));
        return true;
      }
      case NOT_FILLABLE -> {
        refusal(exchange, answerAt, 400, "error", "items[0]: 1C requires ЕдиницаИзмерения on the line (check the"
            + " product card)");
        return true;
      }
      case ERROR_429 -> {
        exchange.getResponseHeaders().set("Retry-After", "1");
        answer(exchange, answerAt, 429, "text/plain; charset=utf-8", "Too Many Requests");
        return true;
      }
      case SESSION_TIMEOUT_406 -> {
        answer(exchange, answerAt, 406, "application/xml; charset=utf-8",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><exception><descr>Истекло время ожидания сеанса</descr></exception>");
        return true;
      }
      case LOCKED_403 -> {
        ObjectNode locked = JSON.createObjectNode().put("reason", 403).put("descr", SESSION_LOCK_TEXT);
        answer(exchange, answerAt, 403, "application/json; charset=utf-8", json(locked));
        return true;
      }
      case HTML_200 -> {
        answer(exchange, answerAt, 200, "text/html; charset=utf-8", webClientPage());
        return true;
      }
      case HANG -> {
        sleepUntil(answerAt);
        sleep(hangMillis);
        return true; // closing without an answer drops the connection
      }
      case DROP -> {
        sleepUntil(answerAt);
        return true;
      }
      default -> {
        return false; // answered by the method itself
      }
    }
  }

  /**
   * The cancel method: marks the invoice made for {@code invoiceNumber} for deletion, once. A repeat answers {@code
   * already_cancelled} with the first cancellation's time; no invoice: 404 {@code not_found}; a document based on
   * it: 409 {@code has_based_documents}, the invoice left as it is.
   */
  private void cancel(HttpExchange exchange, long answerAt, Fault fault, String invoiceNumber, byte[] body)
      throws IOException {
    if (invoiceNumber == null || !INVOICE_NUMBER.matcher(invoiceNumber).matches()) {
      count("rejected");
      answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(errors(List.of("invoice_number: the"
          + " path must carry an invoice number the contract allows (INV-YYYY-NNN or TEST-…), URL-encoded"))));
      return;
    }
    String reason = null;
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (!text.isEmpty()) {
      JsonNode request;
      try {
        request = JSON.readTree(text);
      } catch (IOException e) {
        request = null;
      }
      if (request == null || !request.isObject()) {
        count("rejected");
        answer(exchange, answerAt, 400, "application/json; charset=utf-8",
            json(errors(List.of("body must be empty or a JSON object"))));
        return;
      }
      JsonNode given = request.get("reason");
      if (given != null && !given.isNull()) {
        if (!given.isTextual() || given.asText().length() > MAX_CANCEL_REASON) {
          count("rejected");
          answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(errors(List.of(
              "reason: must be a string of at most " + MAX_CANCEL_REASON + " characters"))));
          return;
        }
        reason = given.asText();
      }
    }
    int status;
    ObjectNode answer;
    synchronized (marks) {
      String cancelReason = reason;
      StoredInvoice invoice = invoices.compute(invoiceNumber, (key, made) -> {
        if (made == null) { // under the key's lock, as a create's check: no create can slip in between
          cancelledUnmade.putIfAbsent(key, new Cancellation(
              Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), cancelReason));
        }
        return made;
      });
      Cancellation before = cancellations.get(invoiceNumber);
      List<BasedDocument> based = basedDocuments.getOrDefault(invoiceNumber, List.of());
      if (invoice == null) {
        count("cancel_not_found");
        answer(exchange, answerAt, 404, "application/json; charset=utf-8", json(errors("not_found", List.of(
            "invoice_number: 1C has no invoice made by this service for this number"))));
        return;
      }
      if (before == null && !based.isEmpty()) {
        count("cancel_refused");
        ObjectNode refused = errors("has_based_documents", List.of("documents: " + based.size()
            + " document(s) in 1C are based on this invoice (" + String.join(", ", based.stream()
                .map(d -> d.type() + " " + d.number() + " of " + d.date()).toList())
            + "); the invoice is left as it is, the accountant decides"));
        ArrayNode documents = refused.putArray("documents");
        based.forEach(d -> documents.addObject().put("type", d.type()).put("number", d.number())
            .put("date", d.date().toString()));
        answer(exchange, answerAt, 409, "application/json; charset=utf-8", json(refused));
        return;
      }
      Cancellation cancellation = before != null ? before
          : new Cancellation(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), reason);
      cancellations.putIfAbsent(invoiceNumber, cancellation);
      count(before == null ? "cancelled" : "already_cancelled");
      status = 200;
      answer = JSON.createObjectNode()
          .put("status", before == null ? "cancelled" : "already_cancelled")
          .put("already_cancelled", before != null)
          .put("invoice_number", invoiceNumber)
          .put("document_id", invoice.documentId())
          .put("number", invoice.number())
          .put("cancelled_at", cancellation.at().toString());
    }
    if (fault == Fault.COMMIT_THEN_DROP) {
      sleepUntil(answerAt);
      return;
    }
    if (fault == Fault.COMMIT_THEN_HANG) {
      sleepUntil(answerAt);
      sleep(hangMillis);
    }
    answer(exchange, answerAt, status, "application/json; charset=utf-8", json(answer));
  }

  /** A URL path segment's percent-escapes decoded as UTF-8 ({@code +} stays a plus); null when malformed. */
  static String percentDecoded(String raw) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /** An answer of the extension's run-time refusals: {"status": status, "errors": [error]}; 503 adds Retry-After. */
  private void refusal(HttpExchange exchange, long answerAt, int httpStatus, String status, String error)
      throws IOException {
    if (httpStatus == 503) {
      exchange.getResponseHeaders().set("Retry-After", "300");
    }
    ObjectNode body = JSON.createObjectNode().put("status", status);
    body.putArray("errors").add(error);
    answer(exchange, answerAt, httpStatus, "application/json; charset=utf-8", json(body));
  }

  private void control(HttpExchange exchange, String method, String action, byte[] body) throws IOException {
    if (action.startsWith("invoices/")) {
      String raw = exchange.getRequestURI().getRawPath();
      String number = percentDecoded(raw.substring(raw.lastIndexOf('/') + 1));
      StoredInvoice invoice = number == null ? null : invoices.get(number);
      if (invoice == null) {
        send(exchange, 404, "application/json", "{\"status\":\"not_found\"}");
      } else {
        send(exchange, 200, "application/json; charset=utf-8", json(describe(invoice)));
      }
      return;
    }
    switch (action) {
      case "based-documents" -> {
        if (method.equals("DELETE")) {
          synchronized (marks) {
            basedDocuments.clear();
          }
        } else if (method.equals("POST")) {
          JsonNode request = requestOrEmpty(body);
          String number = request.path("invoice_number").asText("");
          if (!addBasedDocument(number, request.path("type").asText("ПоступлениеНаСчет"))) {
            send(exchange, 404, "application/json", json(errors("not_found", List.of("invoice_number: no invoice"
                + " was made for this number"))));
            return;
          }
        }
        ObjectNode all = JSON.createObjectNode();
        basedDocuments.forEach((number, list) -> {
          ArrayNode documents = all.putArray(number);
          list.forEach(d -> documents.addObject().put("type", d.type()).put("number", d.number())
              .put("date", d.date().toString()));
        });
        send(exchange, 200, "application/json; charset=utf-8", json(all));
      }
      case "health" -> send(exchange, 200, "application/json", "{\"status\":\"ok\"}");
      case "invoices" -> send(exchange, 200, "application/json; charset=utf-8", json(listing()));
      case "received" -> {
        ArrayNode list = JSON.createArrayNode();
        for (ReceivedRequest r : received) {
          list.addObject().put("invoice_number", r.invoiceNumber()).put("operation", r.operation().wire())
              .put("at_micros",
              r.at().getEpochSecond() * 1_000_000 + r.at().getNano() / 1_000).put("fault", r.fault().wire())
              .put("traceparent", r.traceparent());
        }
        send(exchange, 200, "application/json; charset=utf-8", json(list));
      }
      case "stats" -> {
        ObjectNode stats = JSON.createObjectNode();
        counters.forEach((k, v) -> stats.put(k, v.get()));
        stats.put("invoices", invoices.size());
        stats.put("deletion_marked", cancellations.size());
        send(exchange, 200, "application/json", json(stats));
      }
      case "reset" -> {
        reset();
        send(exchange, 200, "application/json", "{\"status\":\"reset\"}");
      }
      case "faults" -> {
        if (method.equals("DELETE")) {
          faults.clear();
        } else if (method.equals("POST")) {
          try {
            applyFaults(JSON.readTree(body));
          } catch (IllegalArgumentException | IOException e) {
            send(exchange, 400, "application/json", json(errors(List.of(String.valueOf(e.getMessage())))));
            return;
          }
        }
        ObjectNode state = JSON.createObjectNode();
        ArrayNode script = state.putArray("script");
        faults.pendingScript().forEach(f -> script.add(f.wire()));
        ObjectNode probabilities = state.putObject("probabilities");
        faults.probabilities().forEach((f, p) -> probabilities.put(f.wire(), p));
        state.put("latency_ms", latencyMillis).put("hang_ms", hangMillis);
        send(exchange, 200, "application/json", json(state));
      }
      default -> send(exchange, 404, "application/json", "{\"status\":\"unknown control action\"}");
    }
  }

  /** {@code {"script":["error_500","commit_then_drop"],"probabilities":{"error_503":0.2},"latency_ms":50}}. */
  private void applyFaults(JsonNode plan) {
    if (plan == null || !plan.isObject()) {
      throw new IllegalArgumentException("fault plan must be a JSON object");
    }
    if (plan.has("probabilities")) {
      Map<Fault, Double> probabilities = new EnumMap<>(Fault.class);
      plan.get("probabilities").fields()
          .forEachRemaining(e -> probabilities.put(Fault.parse(e.getKey()), e.getValue().asDouble()));
      faults.probabilities(probabilities);
    }
    if (plan.has("script")) {
      List<Fault> script = new ArrayList<>();
      plan.get("script").forEach(f -> script.add(Fault.parse(f.asText())));
      faults.script(script);
    }
    if (plan.has("latency_ms")) {
      latencyMillis = plan.get("latency_ms").asLong();
    }
    if (plan.has("hang_ms")) {
      hangMillis = plan.get("hang_ms").asLong();
    }
  }

  private static JsonNode requestOrEmpty(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.createObjectNode() : node;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String invoiceNumberOf(byte[] body) {
    try {
      return JSON.readTree(body).path("invoice_number").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      return decoded.equals(config.username() + ":" + config.password());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private ObjectNode listing() {
    ObjectNode root = JSON.createObjectNode();
    List<StoredInvoice> all = invoices();
    root.put("count", all.size());
    ArrayNode list = root.putArray("invoices");
    for (StoredInvoice invoice : all) {
      list.addObject()
          .put("invoice_number", invoice.invoiceNumber())
          .put("document_id", invoice.documentId())
          .put("number", invoice.number())
          .put("created_at", invoice.createdAt().toString())
          .put("date", invoice.request().path("date").asText())
          .put("deletion_mark", cancellations.containsKey(invoice.invoiceNumber()))
          .set("total", invoice.request().get("total"));
    }
    return root;
  }

  /** One invoice with its deletion mark, its cancellation and the documents based on it. */
  private ObjectNode describe(StoredInvoice invoice) {
    ObjectNode node = JSON.createObjectNode()
        .put("invoice_number", invoice.invoiceNumber())
        .put("document_id", invoice.documentId())
        .put("number", invoice.number())
        .put("created_at", invoice.createdAt().toString());
    Cancellation cancellation = cancellations.get(invoice.invoiceNumber());
    node.put("deletion_mark", cancellation != null);
    node.put("cancelled_at", cancellation == null ? null : cancellation.at().toString());
    node.put("cancel_reason", cancellation == null ? null : cancellation.reason());
    ArrayNode based = node.putArray("based_documents");
    basedDocuments(invoice.invoiceNumber()).forEach(d -> based.addObject().put("type", d.type())
        .put("number", d.number()).put("date", d.date().toString()));
    return node;
  }

  private static ObjectNode errors(List<String> problems) {
    return errors("error", problems);
  }

  private static ObjectNode errors(String status, List<String> problems) {
    ObjectNode node = JSON.createObjectNode().put("status", status);
    ArrayNode errors = node.putArray("errors");
    problems.forEach(errors::add);
    return node;
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** Sends the answer at {@code answerAt}, woken the learnt lead earlier so that it leaves on time. */
  private void answer(HttpExchange exchange, long answerAt, int status, String contentType, String text)
      throws IOException {
    sleepUntil(answerAt - leadNanos.get());
    send(exchange, status, contentType, text);
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      try {
        Thread.sleep(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String webClientPage() {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>1С:Предприятие</title></head>"
        + "<body><div id=\"loading\">Загрузка веб-клиента 1С:Предприятие…</div></body></html>";
  }
}
