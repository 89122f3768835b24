package org.onecexporter.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.RecordingSleeper;
import org.onecexporter.testing.TestDatabase;

/**
 * The order of events between an order's export and its invoice's cancellation (issue 24), attempt by attempt,
 * against real PostgreSQL (and MariaDB: {@link InvoiceCancelInDoubtOnMariaDbTest}) and the emulator: the cancel
 * request in the ledger stops every later export, and a create in doubt (1C executed it, its answer was lost) is
 * resolved by the cancellation, which asks 1C.
 */
@ExtendWith({DatabaseExtension.class, EmulatorExtension.class})
class InvoiceCancelInDoubtTest {
  private final TestDatabase db;
  private final EmulatorServer emulator;
  private OneCExporter exporter;
  private OrderStore orders;

  InvoiceCancelInDoubtTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    orders = new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE);
    exporter = Exporters.exporter(orders, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of(Duration.ofMillis(10))),
        new RecordingSleeper());
  }

  private long calls(EmulatorServer.Operation op) {
    return emulator.received().stream().filter(r -> r.operation() == op).count();
  }

  @Test
  void a_create_whose_answer_was_lost_is_cancelled_in_1c_and_the_export_retry_calls_nothing() {
    aPaidOrder(40).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.COMMIT_THEN_DROP));

    AttemptResult first = exporter.attempt(new AttemptContext(40, 1, null));
    assertThat(first).as("1C created it, the answer was lost").isInstanceOf(AttemptResult.Retry.class);
    String number = ((AttemptResult.Retry) first).invoiceNumber();
    assertThat(emulator.invoices()).hasSize(1);

    AttemptResult cancel = exporter.cancel(new AttemptContext(40, 1, null));
    assertThat(cancel).isInstanceOf(AttemptResult.Done.class);
    assertThat(((AttemptResult.Done) cancel).result().status()).isEqualTo(ExportStatus.CANCELLED);
    assertThat(emulator.deletionMarked(number)).isTrue();

    AttemptResult retry = exporter.attempt(new AttemptContext(40, 2, null));
    assertThat(((AttemptResult.Done) retry).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(calls(EmulatorServer.Operation.CREATE)).as("the retry did not call 1C").isEqualTo(1);
    OrderStore.OrderState s = orders.state(40).orElseThrow();
    assertThat(s.invoiceExported()).as("our flag never said it was created").isFalse();
    assertThat(s.cancellation().answer()).isEqualTo("cancelled");
  }

  @Test
  void a_create_that_never_reached_1c_is_answered_not_found_and_the_cancellation_is_done_without_an_invoice() {
    aPaidOrder(41).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_503)); // the create failed before 1C made anything
    AttemptResult first = exporter.attempt(new AttemptContext(41, 1, null));
    assertThat(first).isInstanceOf(AttemptResult.Retry.class);
    assertThat(emulator.invoices()).isEmpty();

    AttemptResult cancel = exporter.cancel(new AttemptContext(41, 1, null));
    assertThat(((AttemptResult.Done) cancel).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(orders.state(41).orElseThrow().cancellation().answer()).isEqualTo("not_found");
    assertThat(orders.state(41).orElseThrow().cancellation().done()).isTrue();

    AttemptResult retry = exporter.attempt(new AttemptContext(41, 2, null));
    assertThat(((AttemptResult.Done) retry).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(emulator.invoices()).as("no invoice ever created").isEmpty();
  }

  @Test
  void a_create_still_running_in_1c_when_the_cancellation_finds_nothing_makes_no_invoice_there() throws Exception {
    // 1C works on the create past our timeout (a lock wait, a slow server) and finishes it after we gave up; the
    // refund's cancellation runs meanwhile and 1C answers "not_found". The create must then make nothing: before
    // the fix 1C made the invoice a moment later, unmarked, for money that went back.
    OneCExporter impatient = Exporters.exporter(orders, Exporters.config(emulator.baseUrl(),
        EmulatorConfig.DEFAULT_USERNAME, EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(1),
        List.of(Duration.ofMillis(10))), new RecordingSleeper());
    aPaidOrder(43).insert(db.jdbi());
    emulator.hangMillis(2500);
    emulator.faults().script(List.of(Fault.HANG_THEN_COMMIT));

    AttemptResult first = impatient.attempt(new AttemptContext(43, 1, null));
    assertThat(first).as("timed out, in doubt").isInstanceOf(AttemptResult.Retry.class);
    AttemptResult cancel = impatient.cancel(new AttemptContext(43, 1, null));
    assertThat(((AttemptResult.Done) cancel).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(orders.state(43).orElseThrow().cancellation().answer()).isEqualTo("not_found");

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (emulator.counter("refused_cancelled") + emulator.counter("created") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(emulator.counter("refused_cancelled")).as("the create ended in 1C, refused").isEqualTo(1);
    assertThat(emulator.invoices()).as("no invoice for the refunded order").isEmpty();
  }

  @Test
  void a_create_of_a_number_cancelled_in_1c_before_its_invoice_was_made_is_done_without_one() throws Exception {
    aPaidOrder(44).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_503));
    String number = ((AttemptResult.Retry) exporter.attempt(new AttemptContext(44, 1, null))).invoiceNumber();
    // The cancellation reached 1C first (its answer is the test's, not the ledger's: what 1C holds decides).
    var http = java.net.http.HttpClient.newHttpClient();
    var answer = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(emulator.baseUrl() + "/hs/invoices/" + number + "/cancel"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            (EmulatorConfig.DEFAULT_USERNAME + ":" + EmulatorConfig.DEFAULT_PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(404);

    AttemptResult retry = exporter.attempt(new AttemptContext(44, 2, null));

    assertThat(retry).isInstanceOf(AttemptResult.Done.class);
    assertThat(((AttemptResult.Done) retry).result().status()).as("not a DLQ entry: nobody has anything to do")
        .isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(orders.state(44).orElseThrow().invoiceExported()).isFalse();
    assertThat(emulator.invoices()).isEmpty();
  }

  @Test
  void a_cancel_request_without_an_invoice_number_calls_nothing_and_a_second_cancel_says_already_cancelled() {
    aPaidOrder(42).insert(db.jdbi());

    AttemptResult cancel = exporter.cancel(new AttemptContext(42, 1, null));
    assertThat(((AttemptResult.Done) cancel).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    AttemptResult again = exporter.cancel(new AttemptContext(42, 1, null));
    assertThat(((AttemptResult.Done) again).result().status()).isEqualTo(ExportStatus.ALREADY_CANCELLED);
    AttemptResult export = exporter.attempt(new AttemptContext(42, 1, null));
    assertThat(((AttemptResult.Done) export).result().status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(emulator.received()).isEmpty();
    assertThat(orders.state(42).orElseThrow().cancellation().answer()).isEqualTo("never_sent");
  }
}
