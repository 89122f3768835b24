package org.onecexporter.onec;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;

/** The cancel method of the invoices service against the emulator, which answers as the extension does. */
@ExtendWith(EmulatorExtension.class)
class HttpOneCClientCancelTest {
  private static final String INVOICE = """
    {"invoice_number": "INV-2026-001", "order_id": "1001", "date": "2026-02-13",
     "customer": {"name": "Иван Иванов", "phone": "+79991234567"},
     "items": [{"articul": "ФР-00000044", "name": "Варочная панель", "quantity": 2, "price": 122334, "total": 244668}],
     "delivery_cost": 500, "total": 245168}""";

  private final EmulatorServer emulator;
  private final HttpOneCClient client;

  HttpOneCClientCancelTest(EmulatorServer emulator) {
    this.emulator = emulator;
    this.client = new HttpOneCClient(Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of()), 2);
  }

  @Test
  void marks_the_invoice_once_and_a_repeat_is_success_already_cancelled() {
    CallOutcome.Success created = (CallOutcome.Success) client.send("INV-2026-001", INVOICE, null).outcome();

    OneCClient.Exchange first = client.cancel("INV-2026-001", "refunded (order 1001)", null);
    OneCClient.Exchange repeat = client.cancel("INV-2026-001", null, null);

    assertThat(first.outcome()).isEqualTo(
        new CallOutcome.Success(200, created.documentId(), created.documentNumber(), false));
    assertThat(first.responseBody()).contains("\"status\":\"cancelled\"", "cancelled_at");
    assertThat(repeat.outcome()).isEqualTo(
        new CallOutcome.Success(200, created.documentId(), created.documentNumber(), true));
    assertThat(emulator.deletionMarked("INV-2026-001")).isTrue();
    assertThat(emulator.cancellation("INV-2026-001").orElseThrow().reason()).isEqualTo("refunded (order 1001)");
    assertThat(emulator.counter("cancelled")).isEqualTo(1);
  }

  @Test
  void nothing_to_cancel_and_a_payment_based_on_the_invoice_are_refusals_of_their_own() {
    CallOutcome none = client.cancel("INV-2026-002", "refunded", null).outcome();
    assertThat(none).isInstanceOfSatisfying(CallOutcome.Permanent.class, p -> {
      assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.INVOICE_NOT_FOUND);
      assertThat(p.httpStatus()).isEqualTo(404);
      assertThat(p.reason()).contains("no invoice for this number");
    });

    client.send("INV-2026-001", INVOICE, null);
    assertThat(emulator.addBasedDocument("INV-2026-001", "ПоступлениеНаСчет")).isTrue();
    CallOutcome refused = client.cancel("INV-2026-001", "refunded", null).outcome();
    assertThat(refused).isInstanceOfSatisfying(CallOutcome.Permanent.class, p -> {
      assertThat(p.refusal()).isEqualTo(CallOutcome.Refusal.INVOICE_HAS_DOCUMENTS);
      assertThat(p.reason()).contains("has_based_documents", "ПоступлениеНаСчет", "accountant decides");
    });
    assertThat(emulator.deletionMarked("INV-2026-001")).isFalse();
    assertThat(org.onecexporter.export.ExportResult.Reason.of(CallOutcome.Refusal.INVOICE_HAS_DOCUMENTS).wire())
        .isEqualTo("invoice_has_documents");
    assertThat(org.onecexporter.export.ExportResult.Reason.of(CallOutcome.Refusal.INVOICE_NOT_FOUND).wire())
        .isEqualTo("invoice_not_found");
  }

  @Test
  void a_1c_that_is_down_locked_or_drops_the_answer_is_transient_and_the_retry_finds_it_marked() {
    client.send("INV-2026-001", INVOICE, null);
    emulator.faults().script(List.of(org.onecexporter.emulator.Fault.ERROR_503,
        org.onecexporter.emulator.Fault.LOCKED_403, org.onecexporter.emulator.Fault.COMMIT_THEN_DROP));

    assertThat(client.cancel("INV-2026-001", null, null).outcome()).isInstanceOf(CallOutcome.Transient.class);
    assertThat(client.cancel("INV-2026-001", null, null).outcome()).isInstanceOf(CallOutcome.Transient.class);
    assertThat(client.cancel("INV-2026-001", null, null).outcome()).isInstanceOf(CallOutcome.Transient.class);
    assertThat(emulator.deletionMarked("INV-2026-001")).as("marked before the dropped answer").isTrue();
    assertThat(client.cancel("INV-2026-001", null, null).outcome()).isInstanceOfSatisfying(CallOutcome.Success.class,
        s -> assertThat(s.existing()).isTrue());
  }

  @Test
  void wrong_credentials_refuse_the_exporter_not_the_order() {
    try (HttpOneCClient wrong = new HttpOneCClient(Exporters.config(emulator.baseUrl(),
        EmulatorConfig.DEFAULT_USERNAME, "не тот", Duration.ofSeconds(5), List.of()), 1)) {
      assertThat(wrong.cancel("INV-2026-001", null, null).outcome()).isInstanceOf(CallOutcome.AccessRefused.class);
    }
  }

  @Test
  void a_number_outside_the_contract_is_never_sent() {
    OneCClient.Exchange exchange = client.cancel("СЧЁТ-№1", null, null);
    assertThat(exchange.outcome()).isInstanceOfSatisfying(CallOutcome.Permanent.class,
        p -> assertThat(p.reason()).startsWith("not sent to 1C: invoice_number"));
    assertThat(emulator.received()).isEmpty();
  }
}
