package org.onecexporter.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmulatorServerTest {
  private static final String VALID = """
      {"invoice_number": "INV-2026-001", "date": "2026-02-13",
       "customer": {"name": "Иван Иванов", "phone": "+79991234567", "address": "Москва, ул. Ленина, 1"},
       "items": [{"articul": "ФР-00000044", "name": "Варочная панель", "quantity": 2, "price": 122334, "total": 244668}],
       "delivery_cost": 500, "total": 245168}""";
  private static EmulatorServer server;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() throws IOException {
    server = new EmulatorServer(EmulatorConfig.forTests().withHangMillis(1000)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() {
    server.reset();
  }

  private static HttpResponse<String> post(String body, String user, String password) throws Exception {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hs/invoices"))
        .header("Authorization", "Basic " + auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post(body, EmulatorConfig.DEFAULT_USERNAME, EmulatorConfig.DEFAULT_PASSWORD);
  }

  @Test
  void creates_once_and_answers_a_repeat_with_the_same_document() throws Exception {
    HttpResponse<String> first = post(VALID);
    HttpResponse<String> second = post(VALID);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.body()).contains("\"status\":\"created\"", "\"existing\":false", "\"invoice_number\":\"INV-2026-001\"")
        .containsPattern("\"number\":\"0000-\\d{6}\"");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("\"existing\":true");
    String documentId = server.invoices().get(0).documentId();
    assertThat(first.body()).contains(documentId);
    assertThat(second.body()).contains(documentId);
    assertThat(server.invoices()).hasSize(1);
  }

  @Test
  void checks_utf8_basic_auth_for_the_cyrillic_user() throws Exception {
    HttpResponse<String> wrong = post(VALID, EmulatorConfig.DEFAULT_USERNAME, "wrong");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"1C:Enterprise 8.3\"");

    // The same user encoded as ISO-8859-1, as many clients do by default, must not pass.
    String latin1 = Base64.getEncoder().encodeToString(
        (EmulatorConfig.DEFAULT_USERNAME + ":" + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.ISO_8859_1));
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hs/invoices"))
        .header("Authorization", "Basic " + latin1).POST(HttpRequest.BodyPublishers.ofString(VALID)).build();
    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(server.invoices()).isEmpty();
  }

  @Test
  void rejects_contract_violations_with_reasons() throws Exception {
    String bad = VALID.replace("\"total\": 245168", "\"total\": \"245 168,00\"")
        .replace("\"+79991234567\"", "\"8 999 123-45-67\"")
        .replace("\"total\": 244668", "\"total\": 244000");
    HttpResponse<String> response = post(bad);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("customer.phone must be E.164", "items[0].total 244000 != quantity x price",
        "invoice.total must be a JSON number");
    assertThat(server.invoices()).isEmpty();
  }

  @Test
  void scripted_faults_apply_in_order_then_normal_answers_resume() throws Exception {
    server.faults().script(List.of(Fault.LOCKED_403, Fault.HTML_200, Fault.ERROR_500));

    HttpResponse<String> locked = post(VALID);
    assertThat(locked.statusCode()).isEqualTo(403);
    assertThat(locked.body()).contains("Начало сеанса с информационной базой запрещено");
    HttpResponse<String> html = post(VALID);
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body()).startsWith("<!DOCTYPE html>");
    assertThat(post(VALID).statusCode()).isEqualTo(500);
    assertThat(server.invoices()).isEmpty();
    assertThat(post(VALID).statusCode()).isEqualTo(201);
  }

  @Test
  void a_free_line_is_refused_as_unf_requires_a_price_on_every_line() throws Exception {
    String free = VALID.replace("\"price\": 122334, \"total\": 244668", "\"price\": 0, \"total\": 0")
        .replace("\"total\": 245168", "\"total\": 500");
    HttpResponse<String> response = post(free);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("items[0].price must be above 0");
    assertThat(server.invoices()).isEmpty();
  }

  @Test
  void the_run_time_refusals_of_the_extension_are_answered_as_it_answers_them() throws Exception {
    server.faults().script(List.of(Fault.PERIOD_CLOSED, Fault.ACCESS_DENIED, Fault.VAT_OUTDATED, Fault.NOT_FILLABLE));

    HttpResponse<String> closed = post(VALID);
    assertThat(closed.statusCode()).isEqualTo(422);
    assertThat(closed.body()).contains("\"status\":\"period_closed\"");
    HttpResponse<String> denied = post(VALID);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("\"status\":\"access_denied\"");
    HttpResponse<String> vat = post(VALID);
    assertThat(vat.statusCode()).isEqualTo(503);
    assertThat(vat.headers().firstValue("Retry-After")).contains("300");
    assertThat(vat.body()).contains("\"status\":\"not_configured\"", "22 %");
    HttpResponse<String> unfilled = post(VALID);
    assertThat(unfilled.statusCode()).isEqualTo(400);
    assertThat(unfilled.body()).contains("items[0]: 1C requires ЕдиницаИзмерения");
    assertThat(server.invoices()).isEmpty();
  }

  @Test
  void commit_then_drop_creates_the_invoice_but_sends_no_answer() {
    server.faults().script(List.of(Fault.COMMIT_THEN_DROP));
    assertThatThrownBy(() -> post(VALID)).isInstanceOf(IOException.class);
    assertThat(server.invoices()).hasSize(1);
  }

  @Test
  void probabilities_are_validated_and_parsed() {
    assertThat(FaultPlan.parseProbabilities("error_500=0.2, commit_then_drop=0.05"))
        .containsEntry(Fault.ERROR_500, 0.2).containsEntry(Fault.COMMIT_THEN_DROP, 0.05);
    assertThatThrownBy(() -> server.faults().probabilities(java.util.Map.of(Fault.ERROR_500, 0.7, Fault.DROP, 0.6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.parse("meteor")).hasMessageContaining("unknown fault 'meteor'");
  }

  @Test
  void control_endpoints_need_the_service_credentials_but_health_does_not() throws Exception {
    String control = "http://127.0.0.1:" + server.port() + "/_emulator/";
    for (String action : new String[] {"invoices", "received", "stats"}) {
      HttpRequest anonymous = HttpRequest.newBuilder(URI.create(control + action)).build();
      assertThat(HTTP.send(anonymous, HttpResponse.BodyHandlers.ofString()).statusCode()).as(action).isEqualTo(401);
    }
    HttpRequest faults = HttpRequest.newBuilder(URI.create(control + "faults"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"probabilities\":{\"error_502\":1.0}}")).build();
    assertThat(HTTP.send(faults, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(post(VALID).statusCode()).as("the anonymous fault plan was not applied").isEqualTo(201);
    HttpRequest health = HttpRequest.newBuilder(URI.create(control + "health")).build();
    assertThat(HTTP.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void a_fault_plan_can_be_posted_over_http() throws Exception {
    String auth = Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
        + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_emulator/faults"))
        .header("Authorization", "Basic " + auth)
        .POST(HttpRequest.BodyPublishers.ofString("{\"script\":[\"error_503\"],\"latency_ms\":5}")).build();
    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body())
        .contains("\"script\":[\"error_503\"]", "\"latency_ms\":5");
    assertThat(post(VALID).statusCode()).isEqualTo(503);
  }

  /**
   * A request's latency counts from its own arrival. The JDK's HttpServer keeps an exchange's attributes in its
   * context, shared by every exchange: an arrival kept there was overwritten by the next request's, and a request
   * whose body was still coming in was answered the latency after the later request's arrival.
   */
  @Test
  void a_requests_answer_is_timed_from_its_own_arrival_not_from_a_later_requests() throws Exception {
    String auth = Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
        + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_emulator/faults"))
        .header("Authorization", "Basic " + auth)
        .POST(HttpRequest.BodyPublishers.ofString("{\"latency_ms\":300}")).build(), HttpResponse.BodyHandlers.ofString());
    byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
    try (java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port())) {
      slow.setSoTimeout(5000);
      java.io.OutputStream out = slow.getOutputStream();
      out.write(("POST /unf/hs/invoices HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth
          + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.write(body, 0, 10);
      out.flush();
      long started = System.nanoTime(); // the handler starts on the headers; the body is still coming
      Thread.sleep(150);
      Thread other = Thread.ofVirtual().start(() -> {
        try {
          post(VALID.replace("INV-2026-001", "INV-2026-003"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(50); // the other request has arrived
      out.write(body, 10, body.length - 10);
      out.flush();
      int first = slow.getInputStream().read();
      long answeredMillis = (System.nanoTime() - started) / 1_000_000;
      other.join();

      assertThat(first).as("an answer").isNotEqualTo(-1);
      // 300 ms after its own arrival; from the other request's arrival it would be 450 ms.
      assertThat(answeredMillis).isBetween(290L, 420L);
    }
  }

  @Test
  void stats_count_the_invoices_answered_and_the_time_they_took_and_not_the_refusals() throws Exception {
    String auth = Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
        + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    String control = "http://127.0.0.1:" + server.port() + "/_emulator/";
    HTTP.send(HttpRequest.newBuilder(URI.create(control + "faults")).header("Authorization", "Basic " + auth)
        .POST(HttpRequest.BodyPublishers.ofString("{\"latency_ms\":40}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post(VALID).statusCode()).isEqualTo(201);
    assertThat(post(VALID).statusCode()).as("a repeat is answered as an invoice too").isEqualTo(200);
    assertThat(post("{\"invoice_number\": \"INV-2026-002\"}").statusCode()).as("a refusal").isEqualTo(400);

    com.fasterxml.jackson.databind.JsonNode stats = stats();
    assertThat(stats.path("answers").asLong()).isEqualTo(2);
    // Each answer left about the latency asked for after the request reached the handler.
    assertThat(stats.path("answer_nanos").asLong()).isBetween(2 * 39_000_000L, 2 * 1_000_000_000L);
  }

  /**
   * The limit of a benchmark is cap ÷ latency: the emulator has to answer at the latency it was asked for, not
   * that plus its own wake-up and write (0.3-0.4 ms at 50 ms on a busy machine before it learnt to aim earlier).
   * Four clients at once, as a worker's four permits; the first 120 answers teach it, the next 480 are judged.
   */
  @Test
  void over_a_run_the_mean_answer_time_is_the_latency_asked_for() throws Exception {
    server.latencyMillis(10);
    long[] before = new long[2];
    java.util.concurrent.CyclicBarrier judged = new java.util.concurrent.CyclicBarrier(4, () -> {
      try {
        com.fasterxml.jackson.databind.JsonNode s = statsOnceAnswered(120);
        before[0] = s.path("answers").asLong();
        before[1] = s.path("answer_nanos").asLong();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Callable<Void>> runs = java.util.Collections.nCopies(4, () -> {
        for (int i = 0; i < 150; i++) {
          if (i == 30) {
            judged.await(30, java.util.concurrent.TimeUnit.SECONDS);
          }
          assertThat(post(VALID).statusCode()).isBetween(200, 201);
        }
        return null;
      });
      for (java.util.concurrent.Future<Void> run : clients.invokeAll(runs)) {
        run.get(); // a client's failure fails the test here
      }
    } finally {
      clients.shutdownNow();
    }
    com.fasterxml.jackson.databind.JsonNode after = statsOnceAnswered(600);
    long answers = after.path("answers").asLong() - before[0];
    double meanMillis = (after.path("answer_nanos").asLong() - before[1]) / 1e6 / answers;

    assertThat(answers).isEqualTo(480);
    // Within 5 %: one JVM with its clients on a small machine wakes up 1 ms late and more, with a long tail; a
    // mean of the lead it learns from that is not exact, but the emulator that did not learn was 10 % late here.
    assertThat(meanMillis).as("mean answer time, ms").isBetween(9.5, 10.5);
  }

  /** A fault's hang is the fault's, not the emulator's wake-up: the answers after it keep their time. */
  @Test
  void a_hang_of_a_fault_does_not_make_the_next_answers_early() throws Exception {
    server.latencyMillis(20);
    server.faults().script(List.of(Fault.COMMIT_THEN_HANG)); // answered after the test server's hang of 1 s
    assertThat(post(VALID).statusCode()).isBetween(200, 201);
    long before = statsOnceAnswered(1).path("answer_nanos").asLong();
    assertThat(post(VALID).statusCode()).isEqualTo(200);
    double nextMillis = (statsOnceAnswered(2).path("answer_nanos").asLong() - before) / 1e6;
    // Learnt from the hang, the lead would be at its bound of a quarter of the latency: an answer after 15 ms.
    assertThat(nextMillis).as("the next answer, ms").isGreaterThan(18.0);
  }

  /**
   * The stats once {@code answers} reached {@code n}: an answer is counted just after it is written, so a client can
   * have it before the count does.
   */
  private static com.fasterxml.jackson.databind.JsonNode statsOnceAnswered(long n) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    com.fasterxml.jackson.databind.JsonNode s = stats();
    while (s.path("answers").asLong() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
      s = stats();
    }
    return s;
  }

  private static com.fasterxml.jackson.databind.JsonNode stats() throws Exception {
    String auth = Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
        + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8));
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_emulator/stats"))
            .header("Authorization", "Basic " + auth).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static HttpResponse<String> cancel(String rawNumber, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/hs/invoices/" + rawNumber + "/cancel"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
            + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json; charset=utf-8")
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> control(String method, String action, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_emulator/" + action))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((EmulatorConfig.DEFAULT_USERNAME + ":"
            + EmulatorConfig.DEFAULT_PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void a_cancellation_marks_the_invoice_once_and_a_repeat_says_already_cancelled() throws Exception {
    post(VALID);
    String documentId = server.invoices().get(0).documentId();

    HttpResponse<String> first = cancel("INV-2026-001", "{\"reason\": \"refunded\"}");
    HttpResponse<String> repeat = cancel("INV%2D2026%2D001", "");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("\"status\":\"cancelled\"", "\"already_cancelled\":false", documentId)
        .containsPattern("\"cancelled_at\":\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z\"");
    assertThat(repeat.statusCode()).isEqualTo(200);
    assertThat(repeat.body()).contains("\"status\":\"already_cancelled\"", "\"already_cancelled\":true", documentId);
    assertThat(server.deletionMarked("INV-2026-001")).isTrue();
    assertThat(server.cancellation("INV-2026-001")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("refunded"));
    assertThat(server.counter("cancelled")).isEqualTo(1);
    assertThat(server.counter("already_cancelled")).isEqualTo(1);
    assertThat(server.received()).extracting(EmulatorServer.ReceivedRequest::operation)
        .containsExactly(EmulatorServer.Operation.CREATE, EmulatorServer.Operation.CANCEL,
            EmulatorServer.Operation.CANCEL);
    assertThat(server.received().get(2).invoiceNumber()).as("the number decoded from the path").isEqualTo("INV-2026-001");

    HttpResponse<String> state = control("GET", "invoices/INV-2026-001", null);
    assertThat(state.body()).contains("\"deletion_mark\":true", "\"cancel_reason\":\"refunded\"");
    assertThat(control("GET", "invoices", null).body()).contains("\"deletion_mark\":true");
  }

  @Test
  void concurrent_cancellations_of_one_invoice_mark_it_once() throws Exception {
    post(VALID);
    List<java.util.concurrent.Future<HttpResponse<String>>> calls = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> cancel("INV-2026-001", "{}")));
      }
    }
    List<String> statuses = new java.util.ArrayList<>();
    for (var call : calls) {
      statuses.add(call.get().body().replaceAll(".*\"status\":\"(\\w+)\".*", "$1"));
    }
    assertThat(statuses).containsOnlyOnce("cancelled").filteredOn("already_cancelled"::equals).hasSize(7);
  }

  @Test
  void a_number_cancelled_before_its_invoice_was_made_is_never_made_afterwards() throws Exception {
    assertThat(cancel("INV-2026-001", "{\"reason\":\"refunded\"}").statusCode()).isEqualTo(404);

    HttpResponse<String> late = post(VALID);

    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.body()).contains("\"status\":\"cancelled\"", "invoice_number: the shop cancelled this number");
    assertThat(server.invoices()).as("the create that came after its cancellation made nothing").isEmpty();
    assertThat(cancel("INV-2026-001", "").statusCode()).as("a repeat of the cancellation").isEqualTo(404);
  }

  @Test
  void a_create_still_running_in_1c_when_its_cancellation_arrives_makes_no_invoice() throws Exception {
    // 1C works on the create past the client's timeout (hangMillis 1000), the client gives up, the cancellation
    // comes meanwhile and finds nothing; the create then ends in 1C: it must not leave an unmarked invoice.
    server.faults().script(List.of(Fault.HANG_THEN_COMMIT));
    var create = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return post(VALID);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    Thread.sleep(200);
    assertThat(cancel("INV-2026-001", "").statusCode()).isEqualTo(404);

    assertThat(create.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(409);
    assertThat(server.invoices()).isEmpty();
    assertThat(server.counter("refused_cancelled")).isEqualTo(1);
  }

  @Test
  void nothing_to_cancel_is_not_found_and_a_document_based_on_the_invoice_refuses_the_cancellation() throws Exception {
    HttpResponse<String> none = cancel("INV-2026-404", "");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("\"status\":\"not_found\"", "invoice_number: 1C has no invoice");

    post(VALID);
    assertThat(control("POST", "based-documents", "{\"invoice_number\":\"INV-2026-404\"}").statusCode())
        .as("no invoice to base a document on").isEqualTo(404);
    assertThat(control("POST", "based-documents",
        "{\"invoice_number\":\"INV-2026-001\",\"type\":\"ПоступлениеНаСчет\"}").statusCode()).isEqualTo(200);

    HttpResponse<String> refused = cancel("INV-2026-001", "{\"reason\":\"refunded\"}");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("\"status\":\"has_based_documents\"", "ПоступлениеНаСчет",
        "the accountant decides");
    assertThat(server.deletionMarked("INV-2026-001")).as("the invoice is left as it was").isFalse();

    control("DELETE", "based-documents", null);
    assertThat(cancel("INV-2026-001", "").statusCode()).as("once the payment is gone").isEqualTo(200);
    assertThat(server.deletionMarked("INV-2026-001")).isTrue();
  }

  @Test
  void a_cancellation_outside_the_contract_is_refused_and_marks_nothing() throws Exception {
    post(VALID);
    assertThat(cancel("%D0%A1%D0%A7-1", "").statusCode()).as("not an invoice number").isEqualTo(400);
    assertThat(cancel("INV-2026-001", "[1]").statusCode()).as("not an object").isEqualTo(400);
    assertThat(cancel("INV-2026-001", "{\"reason\": 5}").statusCode()).isEqualTo(400);
    HttpResponse<String> tooLong = cancel("INV-2026-001", "{\"reason\": \"" + "x".repeat(201) + "\"}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("reason: must be a string of at most 200 characters");
    assertThat(server.deletionMarked("INV-2026-001")).isFalse();
  }

  @Test
  void faults_apply_to_cancellations_and_commit_then_drop_marks_without_an_answer() throws Exception {
    post(VALID);
    server.faults().script(List.of(Fault.ERROR_503, Fault.NOT_FILLABLE, Fault.COMMIT_THEN_DROP));

    assertThat(cancel("INV-2026-001", "").statusCode()).isEqualTo(503);
    assertThat(server.deletionMarked("INV-2026-001")).isFalse();
    HttpResponse<String> notForCancel = cancel("INV-2026-001", "");
    assertThat(notForCancel.statusCode()).as("a fault of the create method only").isEqualTo(200);
    server.reset();
    post(VALID);
    server.faults().script(List.of(Fault.COMMIT_THEN_DROP));
    assertThatThrownBy(() -> cancel("INV-2026-001", "")).isInstanceOf(IOException.class);
    assertThat(server.deletionMarked("INV-2026-001")).isTrue();
    assertThat(cancel("INV-2026-001", "").body()).contains("\"status\":\"already_cancelled\"");
  }
}
