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
 * <p>Routes: {@code POST|GET <publication>/hs/invoices}; control under {@code /_emulator/}: {@code invoices}
 * (listing), {@code faults} (POST a plan, DELETE to clear), {@code reset}, {@code stats}, {@code health}; any
 * other GET answers 200 with an HTML page, as a publication root does.
 */
public final class EmulatorServer implements AutoCloseable {
  static final String SESSION_LOCK_TEXT =
      "Начало сеанса с информационной базой запрещено. Выполняется обновление конфигурации информационной базы.";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final EmulatorConfig config;
  private final HttpServer server;
  private static final String ARRIVED = "onec.emulator.arrivedNanos";
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final FaultPlan faults;
  private final Map<String, StoredInvoice> invoices = new ConcurrentHashMap<>();
  private final AtomicLong documentCounter = new AtomicLong();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private volatile long latencyMillis;
  private volatile long hangMillis;

  /**
   * One POST to the invoices service as it arrived: when, for which invoice number, with which fault, and the
   * W3C {@code traceparent} header it carried (null when none; a real 1C ignores it, the tests read it).
   */
  public record ReceivedRequest(Instant at, String invoiceNumber, Fault fault, String traceparent) {}

  private final java.util.List<ReceivedRequest> received = new java.util.concurrent.CopyOnWriteArrayList<>();
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

  public void reset() {
    received.clear();
    maxConcurrent.set(0);
    invoices.clear();
    faults.clear();
    counters.clear();
    latencyMillis = config.latencyMillis();
    hangMillis = config.hangMillis();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  private void handle(HttpExchange exchange) throws IOException {
    exchange.setAttribute(ARRIVED, System.nanoTime());
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
        service(exchange, method, body);
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

  private void service(HttpExchange exchange, String method, byte[] body) throws IOException {
    int now = concurrent.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      serviceCounted(exchange, method, body);
    } finally {
      concurrent.decrementAndGet();
    }
  }

  /** The most POSTs/GETs to the service that were in progress at the same time since the last reset. */
  public int maxConcurrentRequests() {
    return maxConcurrent.get();
  }

  private void serviceCounted(HttpExchange exchange, String method, byte[] body) throws IOException {
    count("requests");
    if (!authorized(exchange)) {
      count("unauthorized");
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"1C:Enterprise 8.3\"");
      send(exchange, 401, "text/plain; charset=utf-8", "");
      return;
    }
    if (method.equals("GET")) {
      send(exchange, 200, "application/json; charset=utf-8", json(listing()));
      return;
    }
    if (!method.equals("POST")) {
      send(exchange, 405, "text/plain; charset=utf-8", "");
      return;
    }
    Fault fault = faults.next();
    String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
    received.add(new ReceivedRequest(Instant.now(), invoiceNumberOf(body), fault,
        traceparent == null || traceparent.length() > 64 ? null : traceparent));
    // The answer leaves latency_ms after the request arrived, the emulator's own work included, as from a 1C
    // server whose response time is latency_ms.
    long answerAt = (long) exchange.getAttribute(ARRIVED) + latencyMillis * 1_000_000;
    if (fault != Fault.NONE) {
      count("fault_" + fault.wire());
    }
    switch (fault) {
      case ERROR_500 -> {
        answer(exchange, answerAt, 500, "text/plain; charset=utf-8", "{Документ.СчетНаОплату.МодульОбъекта(42)}: Конфликт блокировок"
            + " при выполнении транзакции: Превышено максимальное время ожидания предоставления блокировки");
        return;
      }
      case ERROR_502 -> {
        answer(exchange, answerAt, 502, "text/html; charset=utf-8", "<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      }
      case ERROR_503 -> {
        answer(exchange, answerAt, 503, "text/html; charset=utf-8",
            "<html><body><h1>503 Service Unavailable</h1></body></html>");
        return;
      }
      case NOT_CONFIGURED -> {
        exchange.getResponseHeaders().set("Retry-After", "300");
        ObjectNode notConfigured = JSON.createObjectNode().put("status", "not_configured");
        notConfigured.putArray("errors").add("settings: the delivery item («Услуга доставки») is not set");
        answer(exchange, answerAt, 503, "application/json; charset=utf-8", json(notConfigured));
        return;
      }
      case VAT_OUTDATED -> {
        refusal(exchange, answerAt, 503, "not_configured", "vat: the general VAT rate in 1C for the invoice date is"
            + " 20 %, the law sets 22 % from 2026-01-01: update UNF to a release that knows the rate");
        return;
      }
      case PERIOD_CLOSED -> {
        refusal(exchange, answerAt, 422, "period_closed", "date: the invoice date lies in a period closed for"
            + " changes in 1C (даты запрета изменения) for the organisation of the invoice");
        return;
      }
      case ACCESS_DENIED -> {
        refusal(exchange, answerAt, 403, "access_denied", "rights: the service's 1C user lacks «Добавление» on"
            + " Справочник.Контрагенты (the access group profile in the extension's README)");
        return;
      }
      case HUGE_400 -> {
        JsonNode customer = requestOrEmpty(body).path("customer");
        ObjectNode huge = JSON.createObjectNode().put("status", "error");
        huge.putArray("errors").add("Покупатель " + customer.path("name").asText("") + " "
            + customer.path("phone").asText("") + " " + "A".repeat(1 << 20));
        answer(exchange, answerAt, 400, "application/json; charset=utf-8", json(huge));
        return;
      }
      case NOT_FILLABLE -> {
        refusal(exchange, answerAt, 400, "error", "items[0]: 1C requires ЕдиницаИзмерения on the line (check the"
            + " product card)");
        return;
      }
      case ERROR_429 -> {
        exchange.getResponseHeaders().set("Retry-After", "1");
        answer(exchange, answerAt, 429, "text/plain; charset=utf-8", "Too Many Requests");
        return;
      }
      case SESSION_TIMEOUT_406 -> {
        answer(exchange, answerAt, 406, "application/xml; charset=utf-8",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><exception><descr>Истекло время ожидания сеанса</descr></exception>");
        return;
      }
      case LOCKED_403 -> {
        ObjectNode locked = JSON.createObjectNode().put("reason", 403).put("descr", SESSION_LOCK_TEXT);
        answer(exchange, answerAt, 403, "application/json; charset=utf-8", json(locked));
        return;
      }
      case HTML_200 -> {
        answer(exchange, answerAt, 200, "text/html; charset=utf-8", webClientPage());
        return;
      }
      case HANG -> {
        sleepUntil(answerAt);
        sleep(hangMillis);
        return; // closing without an answer drops the connection
      }
      case DROP -> {
        sleepUntil(answerAt);
        return;
      }
      default -> {
        // handled below
      }
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
    StoredInvoice invoice = invoices.computeIfAbsent(invoiceNumber, key -> {
      created[0] = true;
      long seq = documentCounter.incrementAndGet();
      return new StoredInvoice(key, UUID.randomUUID().toString(), String.format("0000-%06d", seq), Instant.now(),
          request);
    });
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
    answer(exchange, answerAt, created[0] ? 201 : 200, "application/json; charset=utf-8", json(answer));
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
    switch (action) {
      case "health" -> send(exchange, 200, "application/json", "{\"status\":\"ok\"}");
      case "invoices" -> send(exchange, 200, "application/json; charset=utf-8", json(listing()));
      case "received" -> {
        ArrayNode list = JSON.createArrayNode();
        for (ReceivedRequest r : received) {
          list.addObject().put("invoice_number", r.invoiceNumber()).put("at_micros",
              r.at().getEpochSecond() * 1_000_000 + r.at().getNano() / 1_000).put("fault", r.fault().wire())
              .put("traceparent", r.traceparent());
        }
        send(exchange, 200, "application/json; charset=utf-8", json(list));
      }
      case "stats" -> {
        ObjectNode stats = JSON.createObjectNode();
        counters.forEach((k, v) -> stats.put(k, v.get()));
        stats.put("invoices", invoices.size());
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
          .set("total", invoice.request().get("total"));
    }
    return root;
  }

  private static ObjectNode errors(List<String> problems) {
    ObjectNode node = JSON.createObjectNode().put("status", "error");
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

  private static void answer(HttpExchange exchange, long answerAt, int status, String contentType, String text)
      throws IOException {
    sleepUntil(answerAt);
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
