package org.onecexporter.onec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.testing.Exporters;

/** Every row of the answer table in NOTES-1C, over real HTTP. */
class HttpOneCClientTest {
  private static final String PATH = "/unf/hs/invoices";
  private static final String LOCK_BODY = "{\"reason\":403,\"descr\":\"Начало сеанса с информационной базой запрещено."
      + " Выполняется обновление конфигурации\"}";
  private static WireMockServer server;
  private HttpOneCClient client;

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
    client = new HttpOneCClient(config(Duration.ofSeconds(5)), 2);
  }

  private static OneCConfig config(Duration timeout) {
    return Exporters.config(server.baseUrl() + "/unf", "Администратор", "пароль", timeout, List.of());
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(201, "application/json", "{\"status\":\"created\",\"document_id\":\"6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b\",\"number\":\"0000-000001\"}", "success"),
        Arguments.of(200, "application/json", "{\"status\":\"exists\",\"existing\":true,\"document_id\":\"6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b\"}", "success_existing"),
        Arguments.of(200, "text/html; charset=utf-8", "<!DOCTYPE html><html><title>1С:Предприятие</title></html>", "transient"),
        Arguments.of(200, "application/json", "", "transient"),
        Arguments.of(200, "application/json", "{\"status\":\"error\",\"errors\":[\"x\"]}", "permanent"),
        Arguments.of(409, "application/json", "{\"status\":\"exists\",\"document_id\":\"6F1C2A34-5B6D-4E7F-8A9B-0C1D2E3F4A5B\"}", "success_existing"),
        Arguments.of(409, "application/json", "{\"status\":\"conflict\"}", "permanent"),
        Arguments.of(409, "text/html", "<html>Версия веб-расширения не совпадает с версией сервера</html>", "permanent"),
        Arguments.of(400, "application/json", "{\"status\":\"error\",\"errors\":[\"articul ФР-1 not found\"]}", "permanent"),
        Arguments.of(401, "text/plain", "", "access_refused"),
        Arguments.of(403, "application/json", LOCK_BODY, "transient"),
        Arguments.of(403, "text/plain", "Нет прав на выполнение операции", "access_refused"),
        Arguments.of(404, "text/html", "<html>Not Found</html>", "permanent"),
        Arguments.of(406, "application/xml", "<exception><descr>Истекло время ожидания сеанса</descr></exception>", "transient"),
        Arguments.of(500, "text/plain", "Конфликт блокировок при выполнении транзакции", "transient"),
        Arguments.of(500, "text/html", "<html><h1>1C:Enterprise 8 application error</h1></html>", "transient"),
        Arguments.of(502, "text/html", "<html>Bad Gateway</html>", "transient"),
        Arguments.of(503, "text/html", "<html>Service Unavailable</html>", "transient"),
        Arguments.of(504, "text/html", "<html>Gateway Timeout</html>", "transient"),
        Arguments.of(301, "text/html", "<html>Moved</html>", "permanent"));
  }

  @ParameterizedTest(name = "{0} {2} -> {3}")
  @MethodSource("answers")
  void classifies_each_answer_as_1c_means_it(int status, String contentType, String body, String expected) {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(
        aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body)));

    CallOutcome outcome = client.send("INV-2026-001", "{}", null).outcome();

    assertThat(outcome.httpStatus()).isEqualTo(status);
    switch (expected) {
      case "success" -> assertThat(outcome).isEqualTo(new CallOutcome.Success(status, "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "0000-000001", false));
      case "success_existing" -> assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Success.class,
          s -> assertThat(s.existing()).isTrue());
      case "transient" -> assertThat(outcome).isInstanceOf(CallOutcome.Transient.class);
      case "permanent" -> assertThat(outcome).isInstanceOf(CallOutcome.Permanent.class);
      case "access_refused" -> assertThat(outcome).isInstanceOf(CallOutcome.AccessRefused.class);
      default -> throw new IllegalArgumentException(expected);
    }
  }

  @Test
  void errors_keep_the_status_and_a_trimmed_body() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"status\":\"error\",\"errors\":[\"articul ФР-1 not found\"]}" + " ".repeat(50) + "x".repeat(1000))));

    CallOutcome.Permanent outcome = (CallOutcome.Permanent) client.send("INV-2026-001", "{}", null).outcome();

    assertThat(outcome.reason()).startsWith("1C answered 400: {\"status\":\"error\",\"errors\":[\"articul ФР-1 not found\"]}")
        .hasSizeLessThan(400);
  }

  @Test
  void a_name_or_phone_split_by_the_quote_cut_is_dropped_not_quoted_in_part() {
    String customer = "{\"customer\":{\"name\":\"Иванов Пётр\",\"phone\":\"+79161234567\"}}";
    // The quoted head of a reason ends 300 characters in: exactly inside the surname, then inside the phone.
    String prefix = "1C answered 400: ";
    for (String tail : new String[] {"Покупатель Иванов Пётр", "тел +7 916 123-45-67"}) {
      String body = "x".repeat(300 - 14) + " " + tail + " " + "y".repeat(400);
      server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(body)));
      CallOutcome.Permanent p = (CallOutcome.Permanent) client.send("INV-2026-001", customer, null).outcome();
      assertThat(p.reason()).startsWith(prefix).endsWith("…").doesNotContain("Ива", "916", "+7 9", "Покупатель И");
    }
  }

  @Test
  void a_not_configured_answer_is_masked_like_any_other() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "300")
        .withBody("{\"status\":\"not_configured\",\"errors\":[\"buyer Иванов Пётр +79161234567: 1C requires X\"]}")));
    CallOutcome outcome = client.send("INV-2026-001",
        "{\"customer\":{\"name\":\"Иванов Пётр\",\"phone\":\"+79161234567\"}}", null).outcome();
    assertThat(outcome).isInstanceOfSatisfying(CallOutcome.NotConfigured.class,
        n -> assertThat(n.reason()).contains("not_configured").doesNotContain("Иванов", "9161234567"));
  }

  @Test
  void a_huge_error_answer_is_classified_cut_and_masked_promptly() {
    String huge = "{\"status\":\"error\",\"errors\":[\"Покупатель Мария Сидорова +79991234567 "
        + "A".repeat(200_000) + "\"]}" + " ".repeat(2 << 20);
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody(huge)));

    long started = System.nanoTime();
    OneCClient.Exchange exchange = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> client.send(
        "INV-2026-001", "{\"customer\":{\"name\":\"Мария Сидорова\",\"phone\":\"+79991234567\"}}", null));
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Permanent.class, p -> assertThat(p.reason())
        .startsWith("1C answered 400: {\"status\":\"error\",\"errors\":[\"Покупатель М*** С***")
        .endsWith("…").hasSizeLessThanOrEqualTo(601).doesNotContain("Мария", "9991234567"));
    assertThat(exchange.responseBody()).hasSizeLessThanOrEqualTo(4001).doesNotContain("Мария", "9991234567");
    assertThat(millis).isLessThan(5000);
  }

  @Test
  void an_answer_dripping_slower_than_the_timeout_allows_is_given_up_at_the_deadline() throws Exception {
    // Headers at once, then one byte of the body every 100 ms: each read is well within the socket timeout, the
    // whole answer would take ten times the call's timeout.
    try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread drip = Thread.ofVirtual().start(() -> {
        try (java.net.Socket socket = listener.accept()) {
          java.io.InputStream in = socket.getInputStream();
          in.read(new byte[8192]);
          java.io.OutputStream out = socket.getOutputStream();
          out.write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
          for (int i = 0; i < 80; i++) {
            out.write(' ');
            out.flush();
            Thread.sleep(100);
          }
        } catch (Exception closedByTheClient) {
          // the client gave up: what this test expects
        }
      });
      OneCConfig dripping = Exporters.config("http://127.0.0.1:" + listener.getLocalPort() + "/unf", "u", "p",
          Duration.ofMillis(800), List.of());
      try (HttpOneCClient c = new HttpOneCClient(dripping, 1)) {
        long started = System.nanoTime();
        OneCClient.Exchange exchange = c.send("INV-2026-001", "{}", null);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Transient.class,
            t -> assertThat(t.reason()).contains("no answer from 1C"));
        assertThat(millis).isBetween(700L, 3000L);
      }
      drip.join(10_000);
    }
  }

  @Test
  void a_success_answer_outside_the_contract_is_a_failure_whose_reason_cannot_turn_a_line_around() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"status\":\"created\",\"document_id\":\"6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b\",\"number\":\"0000-\u202e100000\"}")));

    CallOutcome outcome = client.send("INV-2026-001", "{}", null).outcome();

    assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Transient.class, t -> assertThat(t.reason())
        .contains("not as the invoices contract says", "its number is not at most 11", "0000-\\u202e100000")
        .doesNotContain("\u202e"));
  }

  @Test
  void wrong_credentials_say_which_variables_to_check() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401)
        .withHeader("WWW-Authenticate", "Basic realm=\"1C:Enterprise 8.3\"")));
    assertThat(((CallOutcome.AccessRefused) client.send("INV-2026-001", "{}", null).outcome()).reason())
        .contains("ONEC_USERNAME", "ONEC_PASSWORD");
  }

  @Test
  void too_many_requests_carries_retry_after() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
    assertThat(client.send("INV-2026-001", "{}", null).outcome())
        .isEqualTo(new CallOutcome.Transient(429, "1C answered 429", Duration.ofSeconds(7)));
  }

  @Test
  void sends_utf8_basic_auth_preemptively_with_idempotency_key_and_json_charset() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"status\":\"created\"}")));

    client.send("INV-2026-007", "{\"customer\":{\"name\":\"Иван\"}}", null);

    // The bytes of base64(UTF-8("Администратор:пароль")), computed outside Java.
    server.verify(1, postRequestedFor(urlEqualTo(PATH))
        .withHeader("Authorization", equalTo("Basic 0JDQtNC80LjQvdC40YHRgtGA0LDRgtC+0YA60L/QsNGA0L7Qu9GM"))
        .withHeader("Idempotency-Key", equalTo("INV-2026-007"))
        .withHeader("Content-Type", equalTo("application/json; charset=UTF-8"))
        .withRequestBody(equalTo("{\"customer\":{\"name\":\"Иван\"}}")));
  }

  @Test
  void connection_reset_and_empty_answers_are_transient() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThat(client.send("INV-2026-001", "{}", null).outcome()).isInstanceOfSatisfying(CallOutcome.Transient.class,
        t -> assertThat(t.httpStatus()).isZero());

    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    assertThat(client.send("INV-2026-001", "{}", null).outcome()).isInstanceOf(CallOutcome.Transient.class);
  }

  @Test
  void connection_refused_is_transient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OneCConfig refused = Exporters.config("http://127.0.0.1:" + closedPort + "/unf", "u", "p", Duration.ofSeconds(2),
        List.of());
    try (HttpOneCClient c = new HttpOneCClient(refused, 1)) {
      assertThat(c.send("INV-2026-001", "{}", null).outcome()).isInstanceOfSatisfying(CallOutcome.Transient.class,
          t -> assertThat(t.reason()).contains("no answer from 1C"));
    }
  }

  @Test
  void a_slow_answer_times_out_after_the_configured_timeout() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(201).withFixedDelay(3000)
        .withHeader("Content-Type", "application/json").withBody("{}")));
    try (HttpOneCClient c = new HttpOneCClient(config(Duration.ofMillis(300)), 1)) {
      OneCClient.Exchange exchange = c.send("INV-2026-001", "{}", null);
      assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Transient.class,
          t -> assertThat(t.reason()).contains("Timeout"));
      assertThat(exchange.durationMillis()).isBetween(250L, 2500L);
    }
  }
}
