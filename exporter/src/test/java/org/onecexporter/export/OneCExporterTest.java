package org.onecexporter.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.Dialect;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.emulator.Fault;
import org.onecexporter.json.Json;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.RecordingSleeper;
import org.onecexporter.testing.TestDatabase;

/** The direct export against real PostgreSQL (MariaDB: {@link OneCExporterOnMariaDbTest}) and the 1C emulator over real HTTP. */
@ExtendWith({DatabaseExtension.class, EmulatorExtension.class})
class OneCExporterTest {
  private static final List<Duration> SHORT = List.of(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(10));
  private final EmulatorServer emulator;
  private final TestDatabase db;
  private RecordingSleeper sleeper;

  OneCExporterTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    emulator.hangMillis(1500);
    sleeper = new RecordingSleeper();
  }

  private OneCExporter exporter() {
    return exporter(Duration.ofSeconds(5), SHORT);
  }

  private OneCExporter exporter(Duration timeout, List<Duration> delays) {
    return Exporters.exporter(db, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, timeout, delays), sleeper);
  }

  private Map<String, Object> row(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM orders WHERE id = :id").bind("id", id).mapToMap().one());
  }

  @Test
  void exports_a_paid_order_once_and_then_reports_already_exported_without_calling_1c() throws Exception {
    aPaidOrder(1001).insert(db.jdbi());

    ExportResult first = exporter().exportInvoice(1001);

    assertThat(first.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(first.invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.exportedAt()).isNotNull();
    Map<String, Object> row = row(1001);
    assertThat(row).containsEntry("invoice_exported_to_1c", true).containsEntry("invoice_number", "INV-2026-001");
    EmulatorServer.StoredInvoice invoice = emulator.invoices().get(0);
    assertThat(row.get("onec_document_id")).isEqualTo(invoice.documentId());
    assertThat(row.get("onec_document_number")).isEqualTo(invoice.number());
    assertThat(invoice.request().get("total").decimalValue()).isEqualByComparingTo("245168");
    try (InputStream golden = getClass().getResourceAsStream("/shops/reference-1001.invoice.json")) {
      assertThat(invoice.request()).as("the golden invoice of ORDER_SOURCE=reference")
          .isEqualTo(Json.MAPPER.readTree(new String(golden.readAllBytes(), StandardCharsets.UTF_8)));
    }
    long requests = emulator.counter("requests");

    ExportResult second = exporter().exportInvoice(1001);

    assertThat(second.status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
    assertThat(second.invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(second.exportedAt()).isEqualTo(first.exportedAt());
    assertThat(second.attempts()).isZero();
    assertThat(emulator.counter("requests")).isEqualTo(requests);
    assertThat(emulator.invoices()).hasSize(1);
  }

  @Test
  void unknown_and_unpaid_orders_are_rejected_with_the_exact_messages_and_nothing_is_sent() {
    aPaidOrder(2).status("new").insert(db.jdbi());

    assertThat(exporter().exportInvoice(1)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(ExportStatus.REJECTED);
      assertThat(r.error()).isEqualTo("Order 1 not found");
    });
    assertThat(exporter().exportInvoice(2)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(ExportStatus.REJECTED);
      assertThat(r.error()).isEqualTo("Order status is 'new', expected 'paid'");
      assertThat(r.invoiceNumber()).isNull();
    });
    assertThat(emulator.counter("requests")).isZero();
    assertThat(row(2)).containsEntry("invoice_exported_to_1c", false).containsEntry("invoice_number", null);
  }

  @Test
  void an_invalid_order_is_rejected_with_every_problem_and_consumes_no_number() {
    aPaidOrder(3).customer("", "12", null).item("", "Товар", "-1", "10").insert(db.jdbi());

    ExportResult result = exporter().exportInvoice(3);

    assertThat(result.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(result.error()).startsWith("Invalid order: ")
        .contains("customer name is empty", "customer phone is not a usable phone number (2 digits)", "line 2: articul is empty",
            "line 2: quantity -1 is not positive");
    assertThat(emulator.counter("requests")).isZero();
    assertThat(row(3)).containsEntry("invoice_number", null);
    aPaidOrder(4).insert(db.jdbi());
    assertThat(exporter().exportInvoice(4).invoiceNumber()).isEqualTo("INV-2026-001");
  }

  @Test
  void a_shop_set_number_that_cannot_be_an_idempotency_key_is_invalid_and_never_sent() {
    // Sent as an HTTP header, "СЧЁТ-№1" would go out as "????-?1", the key of every other such number.
    aPaidOrder(5).invoiceNumber("СЧЁТ-№1").insert(db.jdbi());

    ExportResult result = exporter().exportInvoice(5);

    assertThat(result.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(result.reason()).isEqualTo(ExportResult.Reason.INVALID);
    assertThat(result.error()).startsWith("Invalid order: invoice_number ").contains("INV-2026-001");
    assertThat(emulator.counter("requests")).isZero();
    assertThat(row(5)).containsEntry("invoice_exported_to_1c", false).containsEntry("invoice_number", "СЧЁТ-№1");
  }

  @Test
  void numbers_follow_a_per_year_sequence() {
    aPaidOrder(10).paidAt("2026-03-01T10:00:00+03:00").insert(db.jdbi());
    aPaidOrder(11).paidAt("2026-03-02T10:00:00+03:00").insert(db.jdbi());
    aPaidOrder(12).paidAt("2027-01-01T00:30:00+03:00").insert(db.jdbi());

    assertThat(exporter().exportInvoice(10).invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(exporter().exportInvoice(11).invoiceNumber()).isEqualTo("INV-2026-002");
    assertThat(exporter().exportInvoice(12).invoiceNumber()).isEqualTo("INV-2027-001");
  }

  @Test
  void transient_failures_are_retried_on_the_schedule_with_the_same_number() {
    aPaidOrder(20).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_503, Fault.LOCKED_403, Fault.ERROR_500));

    ExportResult result = exporter(Duration.ofSeconds(5),
        List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10))).exportInvoice(20);

    assertThat(result.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(result.attempts()).isEqualTo(4);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(emulator.invoices()).singleElement()
        .satisfies(i -> assertThat(i.invoiceNumber()).isEqualTo(result.invoiceNumber()));
  }

  @Test
  void transient_failures_that_outlast_the_schedule_end_failed_with_the_flag_untouched() {
    aPaidOrder(21).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.ERROR_502, Fault.ERROR_502, Fault.ERROR_502, Fault.ERROR_502));

    ExportResult result = exporter().exportInvoice(21);

    assertThat(result.status()).isEqualTo(ExportStatus.FAILED);
    assertThat(result.attempts()).isEqualTo(4);
    assertThat(result.error()).startsWith("1C answered 502");
    assertThat(result.invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(sleeper.waits()).hasSize(3);
    assertThat(row(21)).containsEntry("invoice_exported_to_1c", false).containsEntry("invoice_number", "INV-2026-001");
    assertThat(emulator.invoices()).isEmpty();

    // The next run reuses the number fixed before the first attempt.
    assertThat(exporter().exportInvoice(21).invoiceNumber()).isEqualTo("INV-2026-001");
    assertThat(emulator.invoices()).hasSize(1);
  }

  @Test
  void lost_answer_after_commit_is_exported_once() {
    aPaidOrder(30).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.COMMIT_THEN_DROP));

    ExportResult result = exporter().exportInvoice(30);

    assertThat(result.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(emulator.counter("created")).isEqualTo(1);
    assertThat(emulator.counter("existing")).isEqualTo(1);
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(row(30).get("onec_document_id")).isEqualTo(emulator.invoices().get(0).documentId());
  }

  @Test
  void when_recording_fails_after_1c_accepted_the_retry_says_our_side_failed_and_the_next_attempt_finishes() {
    aPaidOrder(32).insert(db.jdbi());
    // The database refuses the first flag update only (a sequence is not rolled back with the failed statement).
    if (db.dialect() == Dialect.POSTGRESQL) {
      db.jdbi().useHandle(h -> h.execute("""
          CREATE SEQUENCE flag_failures;
          CREATE FUNCTION fail_first_flag() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.invoice_exported_to_1c AND nextval('flag_failures') = 1 THEN
              RAISE EXCEPTION USING ERRCODE = 'disk_full', MESSAGE = 'could not extend file: No space left on device';
            END IF;
            RETURN NEW;
          END $$;
          CREATE TRIGGER fail_first_flag BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION fail_first_flag();
          """));
    } else {
      db.jdbi().useHandle(h -> {
        h.execute("CREATE SEQUENCE flag_failures");
        h.execute("""
            CREATE TRIGGER fail_first_flag BEFORE UPDATE ON orders FOR EACH ROW
            BEGIN
              IF NEW.invoice_exported_to_1c AND NEXTVAL(flag_failures) = 1 THEN
                SIGNAL SQLSTATE '53100' SET MESSAGE_TEXT = 'could not extend file: No space left on device';
              END IF;
            END""");
      });
    }
    try {
      AttemptResult first = exporter().attempt(new AttemptContext(32, 1, null));

      assertThat(first).isInstanceOfSatisfying(AttemptResult.Retry.class, retry -> {
        assertThat(retry.failed()).isEqualTo(AttemptResult.Failed.OUR_SIDE_AFTER_THE_CALL);
        assertThat(retry.calledOneC()).isTrue();
        assertThat(retry.reason()).contains("1C accepted the invoice", "No space left on device");
      });
      assertThat(row(32).get("invoice_exported_to_1c")).isEqualTo(false);

      AttemptResult second = exporter().attempt(new AttemptContext(32, 2, null));

      assertThat(second).isInstanceOfSatisfying(AttemptResult.Done.class,
          done -> assertThat(done.result().status()).isEqualTo(ExportStatus.EXPORTED));
      assertThat(row(32).get("invoice_exported_to_1c")).isEqualTo(true);
      assertThat(emulator.invoices()).as("1C answered the repeat with the same document").hasSize(1);
      assertThat(emulator.counter("existing")).isEqualTo(1);
    } finally {
      db.jdbi().useHandle(h -> {
        if (db.dialect() == Dialect.POSTGRESQL) {
          h.execute("DROP TRIGGER fail_first_flag ON orders; DROP FUNCTION fail_first_flag(); DROP SEQUENCE flag_failures");
        } else {
          h.execute("DROP TRIGGER fail_first_flag");
          h.execute("DROP SEQUENCE flag_failures");
        }
      });
    }
  }

  @Test
  void a_timeout_after_commit_is_retried_and_answered_existing() {
    aPaidOrder(31).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.COMMIT_THEN_HANG));

    ExportResult result = exporter(Duration.ofMillis(400), SHORT).exportInvoice(31);

    assertThat(result.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(emulator.invoices()).hasSize(1);
  }

  @Test
  void an_html_page_with_200_is_never_success() {
    aPaidOrder(40).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.HTML_200, Fault.HTML_200, Fault.HTML_200, Fault.HTML_200));

    ExportResult result = exporter().exportInvoice(40);

    assertThat(result.status()).isEqualTo(ExportStatus.FAILED);
    assertThat(result.error()).contains("without a JSON body", "ONEC_BASE_URL");
    assertThat(row(40)).containsEntry("invoice_exported_to_1c", false);
  }

  @Test
  void wrong_credentials_are_rejected_at_once_without_retries() {
    aPaidOrder(50).insert(db.jdbi());
    OneCExporter wrong = Exporters.exporter(db, Exporters.config(emulator.baseUrl(), "Администратор", "не тот",
        Duration.ofSeconds(5), SHORT), sleeper);

    ExportResult result = wrong.exportInvoice(50);

    assertThat(result.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(result.error()).contains("401");
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(sleeper.waits()).isEmpty();
    assertThat(row(50)).containsEntry("invoice_exported_to_1c", false);
  }

  @Test
  void a_1c_validation_refusal_is_permanent() {
    // Our builder sends only what the contract allows; a TEST- number is the one the 1C side refuses (its setting
    // «Разрешить тестовые счета» is off, as on a working base).
    aPaidOrder(51).item("X-1", "Товар", "1", "1").insert(db.jdbi());
    emulator.faults().script(List.of(Fault.NONE));
    assertThat(exporter().exportInvoice(51).status()).isEqualTo(ExportStatus.EXPORTED);

    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET invoice_exported_to_1c = false, invoice_number = 'TEST-1'"
        + " WHERE id = 51"));
    ExportResult result = exporter().exportInvoice(51);
    assertThat(result.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(result.error()).startsWith("1C answered 400").contains("TEST- numbers are accepted only");
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void a_closed_period_and_missing_rights_in_1c_are_permanent_refusals_that_name_the_reason() {
    aPaidOrder(52).insert(db.jdbi());
    aPaidOrder(53).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.PERIOD_CLOSED, Fault.ACCESS_DENIED));

    ExportResult closed = exporter().exportInvoice(52);
    ExportResult denied = exporter().exportInvoice(53);

    assertThat(closed.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(closed.error()).startsWith("1C answered 422").contains("period_closed");
    assertThat(denied.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(denied.error()).contains("403").contains("access_denied");
    assertThat(sleeper.waits()).as("no retry of a refusal").isEmpty();
    assertThat(row(52)).containsEntry("invoice_exported_to_1c", false);
    assertThat(row(53)).containsEntry("invoice_exported_to_1c", false);
    assertThat(emulator.invoices()).isEmpty();
  }

  @Test
  void an_outdated_vat_table_in_1c_is_waited_out_as_not_configured_never_refused() {
    aPaidOrder(54).insert(db.jdbi());
    emulator.faults().script(List.of(Fault.VAT_OUTDATED));

    ExportResult result = exporter().exportInvoice(54);

    // The administrator updates УНФ / the rates; the order is exported on the next attempt, one invoice.
    assertThat(result.status()).as(result.toString()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeper.waits()).as("waited as 1C asked, not dead-lettered").isNotEmpty();
    assertThat(emulator.invoices()).hasSize(1);
  }

  @Test
  void two_concurrent_exports_of_one_order_make_one_invoice_and_one_number() throws Exception {
    aPaidOrder(60).insert(db.jdbi());
    emulator.latencyMillis(300);
    OneCExporter a = exporter();
    OneCExporter b = exporter();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ExportResult>> results = pool.invokeAll(List.<Callable<ExportResult>>of(
          () -> a.exportInvoice(60), () -> b.exportInvoice(60)));
      List<ExportStatus> statuses = List.of(results.get(0).get().status(), results.get(1).get().status());
      assertThat(statuses).containsExactlyInAnyOrder(ExportStatus.EXPORTED, ExportStatus.ALREADY_EXPORTED);
      assertThat(results.get(0).get().invoiceNumber()).isEqualTo(results.get(1).get().invoiceNumber());
    } finally {
      pool.shutdownNow();
    }
    assertThat(emulator.counter("requests")).isEqualTo(1);
    assertThat(emulator.invoices()).hasSize(1);
  }

  @Test
  void many_orders_exported_concurrently_get_distinct_consecutive_numbers() throws Exception {
    for (long id = 100; id < 120; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<ExportResult>> jobs = new java.util.ArrayList<>();
      for (long id = 100; id < 120; id++) {
        long orderId = id;
        jobs.add(() -> exporter().exportInvoice(orderId));
      }
      List<String> numbers = new java.util.ArrayList<>();
      for (Future<ExportResult> f : pool.invokeAll(jobs)) {
        assertThat(f.get().status()).isEqualTo(ExportStatus.EXPORTED);
        numbers.add(f.get().invoiceNumber());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(20)
          .allMatch(n -> n.matches("INV-2026-0(0[1-9]|1[0-9]|20)"));
    } finally {
      pool.shutdownNow();
    }
  }
}
