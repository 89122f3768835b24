package org.onecexporter.onec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
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

/** The cancel method of the invoices service against raw HTTP answers a broken 1C, a proxy or a wrong URL may give. */
class HttpOneCClientCancelAnswersTest {
  private static final String ID = "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
  private static final String PATH = "/unf/hs/invoices/INV-2026-001/cancel";
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

  private OneCConfig config(Duration timeout) {
    return Exporters.config(server.baseUrl() + "/unf", "Администратор", "пароль", timeout, List.of());
  }

  static Stream<Arguments> answers() {
    String cancelled = "{\"status\":\"cancelled\",\"already_cancelled\":false,\"document_id\":\"" + ID
        + "\",\"number\":\"0000-000001\"}";
    return Stream.of(
        Arguments.of(200, "application/json", cancelled, "success"),
        Arguments.of(200, "application/json", "{\"status\":\"already_cancelled\",\"already_cancelled\":true}",
            "success_existing"),
        Arguments.of(200, "application/json", "{\"status\":\"exists\",\"existing\":true,\"document_id\":\"" + ID
            + "\"}", "transient"),
        Arguments.of(201, "application/json", "{\"status\":\"created\",\"document_id\":\"" + ID + "\"}", "transient"),
        Arguments.of(200, "application/json", "{}", "transient"),
        Arguments.of(200, "text/html; charset=utf-8", "<!DOCTYPE html><html><title>1С:Предприятие</title></html>",
            "transient"),
        Arguments.of(200, "application/json", "{\"status\":\"cancelled\",\"document_id\":\"" + "x".repeat(3000)
            + "\"}", "transient"),
        Arguments.of(200, "application/json", "{\"status\":\"error\",\"errors\":[\"x\"]}", "permanent"),
        Arguments.of(404, "application/json", "{\"status\":\"not_found\",\"errors\":[\"invoice_number: none\"]}",
            "not_found"),
        Arguments.of(404, "text/html", "<html>Not Found</html>", "permanent"),
        Arguments.of(409, "application/json", "{\"status\":\"has_based_documents\",\"errors\":[\"documents: 1\"]}",
            "has_documents"),
        Arguments.of(409, "application/json", "{\"status\":\"exists\",\"existing\":true,\"document_id\":\"" + ID
            + "\"}", "permanent"),
        Arguments.of(409, "text/html", "<html>Версия веб-расширения не совпадает с версией сервера</html>",
            "permanent"),
        Arguments.of(400, "application/json", "{\"status\":\"error\",\"errors\":[\"reason: too long\"]}", "permanent"),
        Arguments.of(422, "application/json", "{\"status\":\"period_closed\",\"errors\":[\"date: closed\"]}",
            "permanent"),
        Arguments.of(401, "text/plain", "", "access_refused"),
        Arguments.of(403, "application/json", "{\"status\":\"access_denied\",\"errors\":[\"rights: Изменение\"]}",
            "access_refused"),
        Arguments.of(403, "application/json", "{\"reason\":403,\"descr\":\"Начало сеанса с информационной базой"
            + " запрещено\"}", "transient"),
        Arguments.of(503, "application/json", "{\"status\":\"not_configured\",\"errors\":[\"settings\"]}",
            "not_configured"),
        Arguments.of(500, "text/plain", "Конфликт блокировок при выполнении транзакции", "transient"),
        Arguments.of(502, "text/html", "<html>Bad Gateway</html>", "transient"),
        Arguments.of(301, "text/html", "<html>Moved</html>", "permanent"));
  }

  @ParameterizedTest(name = "{0} {2} -> {3}")
  @MethodSource("answers")
  void classifies_each_answer_to_a_cancellation(int status, String contentType, String body, String expected) {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(
        aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body)));

    CallOutcome outcome = client.cancel("INV-2026-001", null, null).outcome();

    assertThat(outcome.httpStatus()).isEqualTo(status);
    switch (expected) {
      case "success" -> assertThat(outcome).isEqualTo(new CallOutcome.Success(200, ID, "0000-000001", false));
      case "success_existing" -> assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Success.class,
          s -> assertThat(s.existing()).isTrue());
      case "transient" -> assertThat(outcome).isInstanceOf(CallOutcome.Transient.class);
      case "permanent" -> assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Permanent.class,
          p -> assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.REFUSED));
      case "not_found" -> assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Permanent.class,
          p -> assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.INVOICE_NOT_FOUND));
      case "has_documents" -> assertThat(outcome).isInstanceOfSatisfying(CallOutcome.Permanent.class,
          p -> assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.INVOICE_HAS_DOCUMENTS));
      case "access_refused" -> assertThat(outcome).isInstanceOf(CallOutcome.AccessRefused.class);
      case "not_configured" -> assertThat(outcome).isInstanceOf(CallOutcome.NotConfigured.class);
      default -> throw new IllegalArgumentException(expected);
    }
  }

  @Test
  void sends_utf8_basic_auth_a_key_of_its_own_and_the_reason_to_the_url_encoded_number() {
    server.stubFor(post(urlEqualTo("/unf/hs/invoices/INV-2026-007/cancel")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"status\":\"cancelled\"}")));

    client.cancel("INV-2026-007", "  refunded  ", null);
    client.cancel("INV-2026-007", "r".repeat(500), null);

    server.verify(1, postRequestedFor(urlEqualTo("/unf/hs/invoices/INV-2026-007/cancel"))
        .withHeader("Authorization", equalTo("Basic 0JDQtNC80LjQvdC40YHRgtGA0LDRgtC+0YA60L/QsNGA0L7Qu9GM"))
        .withHeader("Idempotency-Key", equalTo("INV-2026-007/cancel"))
        .withHeader("Content-Type", equalTo("application/json; charset=UTF-8"))
        .withRequestBody(equalToJson("{\"reason\":\"refunded\"}")));
    server.verify(1, postRequestedFor(urlEqualTo("/unf/hs/invoices/INV-2026-007/cancel"))
        .withRequestBody(equalToJson("{\"reason\":\"" + "r".repeat(199) + "…\"}")));
    assertThat(HttpOneCClient.pathSegment("INV-2026-007")).isEqualTo("INV-2026-007");
    assertThat(HttpOneCClient.pathSegment("..")).isEqualTo("%2E%2E");
    assertThat(HttpOneCClient.pathSegment("A/B?c#d")).isEqualTo("A%2FB%3Fc%23d");
    assertThat(HttpOneCClient.pathSegment("Счёт")).isEqualTo("%D0%A1%D1%87%D1%91%D1%82");
  }

  @Test
  void a_huge_refusal_is_classified_cut_and_masked_promptly() {
    String huge = "{\"status\":\"has_based_documents\",\"errors\":[\"Покупатель Мария Сидорова +79991234567 "
        + "A".repeat(200_000) + "\"]}" + " ".repeat(2 << 20);
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/json").withBody(huge)));

    OneCClient.Exchange exchange = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> client.cancel("INV-2026-001", null, null));

    assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Permanent.class, p -> {
      assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.INVOICE_HAS_DOCUMENTS);
      assertThat(p.reason()).hasSizeLessThanOrEqualTo(601).doesNotContain("9991234567");
    });
    assertThat(exchange.responseBody()).hasSizeLessThanOrEqualTo(4001).doesNotContain("9991234567");
  }

  @Test
  void a_slow_answer_times_out_and_a_reset_is_transient() {
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)
        .withHeader("Content-Type", "application/json").withBody("{\"status\":\"cancelled\"}")));
    try (HttpOneCClient c = new HttpOneCClient(config(Duration.ofMillis(300)), 1)) {
      OneCClient.Exchange exchange = c.cancel("INV-2026-001", null, null);
      assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Transient.class,
          t -> assertThat(t.reason()).contains("Timeout"));
      assertThat(exchange.durationMillis()).isBetween(250L, 2500L);
    }
    server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThat(client.cancel("INV-2026-001", null, null).outcome()).isInstanceOfSatisfying(
        CallOutcome.Transient.class, t -> assertThat(t.httpStatus()).isZero());
  }
  }
