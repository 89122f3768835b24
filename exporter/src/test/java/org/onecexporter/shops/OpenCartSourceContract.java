package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.shops.OpenCartWriter.aPaidOrder;
import static org.onecexporter.shops.OpenCartWriter.anOrder;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onecexporter.db.OpenCartSource;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.ExportStatus;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.json.Json;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.RecordingSleeper;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * ORDER_SOURCE=opencart against OpenCart's own tables on MariaDB (DDL from OpenCart's installer; one subclass per
 * major version), orders written as OpenCart's checkout writes them, exports through the real exporter to the 1C
 * emulator.
 */
abstract class OpenCartSourceContract {
  static final String P = "oc_";
  private final TestDatabase db;
  private final EmulatorServer emulator;
  private OrderStore store;

  OpenCartSourceContract(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  static void platformSchema(TestDatabase db, String resource) {
    ShopSchemas.create(db.jdbi(), resource, P);
    OpenCartWriter.products(db.jdbi(), P);
  }

  @BeforeEach
  void clean() {
    emulator.reset();
    store = store(OpenCartSource.Articul.MODEL);
  }

  private OrderStore store(OpenCartSource.Articul articul) {
    return new SqlOrderStore(db.jdbi(), db.dialect(),
        new OpenCartSource(P, OpenCartSource.DEFAULT_PAID_STATUS_IDS, articul, ZoneId.of("Europe/Moscow")));
  }

  private OneCExporter exporter(OrderStore orders) {
    return Exporters.exporter(orders, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of(Duration.ofMillis(10))),
        new RecordingSleeper());
  }

  @Test
  void a_paid_order_becomes_exactly_the_golden_invoice_once() throws Exception {
    aPaidOrder(7001).insert(db.jdbi(), P);

    ExportResult first = exporter(store).exportInvoice(7001);
    ExportResult second = exporter(store).exportInvoice(7001);

    assertThat(first.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(second.status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
    assertThat(emulator.invoices()).hasSize(1);
    assertThat(emulator.invoices().get(0).request())
        .isEqualTo(Json.MAPPER.readTree(Golden.read("opencart-7001.invoice.json")));
  }

  @Test
  void the_articul_is_the_products_sku_when_configured() {
    aPaidOrder(7002).insert(db.jdbi(), P);
    try (OrderStore.Session s = store(OpenCartSource.Articul.SKU).open()) {
      assertThat(s.find(7002).orElseThrow().items()).extracting(i -> i.articul())
          .containsExactly("SKU-FL-1", "SKU-BAT");
    }
  }

  @Test
  void pending_and_unpaid_cancelled_orders_are_refused_and_one_refunded_before_its_export_gets_no_invoice() {
    anOrder(7010, 1).insert(db.jdbi(), P); // Pending: placed, not paid
    anOrder(7011, 1, 7).insert(db.jdbi(), P); // Canceled without a payment
    anOrder(7012, 1, 2, 11).insert(db.jdbi(), P); // paid, then Refunded before the export

    assertThat(exporter(store).exportInvoice(7010).error())
        .isEqualTo("Order status is 'Pending (order_status_id 1)', expected 'paid'");
    assertThat(exporter(store).exportInvoice(7011).error())
        .isEqualTo("Order status is 'Canceled (order_status_id 7)', expected 'paid'");
    // Issue 24: refunded after payment is 'refunded'; before its export, no invoice is made and 1C is not called.
    assertThat(exporter(store).exportInvoice(7012).status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(store.state(7012).orElseThrow().status()).isEqualTo("refunded");
    assertThat(emulator.received()).isEmpty();
  }

  @Test
  void an_exported_order_refunded_or_cancelled_later_is_a_cancel_candidate() {
    aPaidOrder(7030).insert(db.jdbi(), P);
    aPaidOrder(7031).insert(db.jdbi(), P);
    aPaidOrder(7032).insert(db.jdbi(), P);
    db.jdbi().useHandle(h -> {
      // Exported (as the ledger records it; no export here, so the year's invoice numbers stay untouched).
      h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_number, invoice_exported_to_1c) VALUES"
          + " (7030, 'TEST-7030', TRUE), (7031, 'TEST-7031', TRUE), (7032, 'TEST-7032', TRUE)");
      h.execute("UPDATE `" + P + "order` SET order_status_id = 11 WHERE order_id = 7030"); // Refunded
      h.execute("UPDATE `" + P + "order` SET order_status_id = 7 WHERE order_id = 7031"); // Canceled
    });

    assertThat(store.state(7030).orElseThrow().status()).isEqualTo("refunded");
    assertThat(store.state(7031).orElseThrow().status()).isEqualTo("cancelled");
    assertThat(store.cancelCandidates(7000, 7100, 10)).containsExactly(7030L, 7031L);
  }

  @Test
  void the_reconciler_finds_paid_orders_nobody_enqueued_and_only_those() {
    aPaidOrder(7020).insert(db.jdbi(), P);
    anOrder(7021, 1).insert(db.jdbi(), P);
    anOrder(7022, 1, 2, 3, 5).insert(db.jdbi(), P); // Complete
    anOrder(7023, 1, 2, 11).insert(db.jdbi(), P); // Refunded
    aPaidOrder(7024).insert(db.jdbi(), P);
    exporter(store).exportInvoice(7024);

    assertThat(store.candidates(7019, 7029, 100, Duration.ofMinutes(2))).containsExactly(7020L, 7022L);
    assertThat(store.candidates(7019, 7029, 1, Duration.ofMinutes(2))).containsExactly(7020L);
  }

  @Test
  void two_workers_exporting_the_same_orders_at_once_never_give_one_order_two_numbers() throws Exception {
    for (long id = 7100; id < 7110; id++) {
      aPaidOrder(id).insert(db.jdbi(), P);
    }
    OneCExporter a = exporter(store);
    OneCExporter b = exporter(store);
    TwoWorkers.exportEachFromBothAtOnce(a, b, 7100, 7110);
    Set<String> numbers = new HashSet<>(emulator.invoices().stream()
        .map(EmulatorServer.StoredInvoice::invoiceNumber).toList());
    assertThat(emulator.invoices()).hasSize(10);
    assertThat(numbers).hasSize(10);
  }
}
