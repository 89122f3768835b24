package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.shops.WooCommerceWriter.aPaidOrder;
import static org.onecexporter.shops.WooCommerceWriter.aRefundOf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.db.WooCommerceSource;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.ExportStatus;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.json.Json;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.Exporters;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.RecordingSleeper;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * ORDER_SOURCE=woocommerce against WooCommerce's own HPOS tables on MariaDB (DDL from WooCommerce's source, see
 * shops/woocommerce-hpos.sql), orders written as WooCommerce writes them, exports through the real exporter to the
 * 1C emulator. The platform's tables are only read: their checksums do not change.
 */
@ExtendWith({MariaDbLedgerExtension.class, EmulatorExtension.class})
class WooCommerceSourceTest {
  private static final String P = "wp_";
  private final TestDatabase db;
  private final EmulatorServer emulator;
  private OrderStore store;

  WooCommerceSourceTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeAll
  static void platformSchema(TestDatabase db) {
    ShopSchemas.create(db.jdbi(), "woocommerce-hpos.sql", P);
    WooCommerceWriter.products(db.jdbi(), P);
  }

  @BeforeEach
  void clean() {
    emulator.reset();
    store = new SqlOrderStore(db.jdbi(), db.dialect(),
        new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES));
  }

  private OneCExporter exporter() {
    return Exporters.exporter(store, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of(Duration.ofMillis(10))),
        new RecordingSleeper());
  }

  private Map<String, Object> ledger(long id) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM onec_exporter_ledger WHERE order_id = :id")
        .bind("id", id).mapToMap().one());
  }

  private String checksums() {
    return db.jdbi().withHandle(h -> h.createQuery("CHECKSUM TABLE " + P + "wc_orders, " + P + "wc_order_addresses, "
            + P + "wc_order_operational_data, " + P + "woocommerce_order_items, " + P + "woocommerce_order_itemmeta, "
            + P + "wc_product_meta_lookup").mapToMap().list().toString());
  }

  @Test
  void a_paid_order_becomes_exactly_the_golden_invoice_once_and_the_shop_tables_are_untouched() throws Exception {
    aPaidOrder(5001).insert(db.jdbi(), P);
    String before = checksums();

    ExportResult first = exporter().exportInvoice(5001);
    ExportResult second = exporter().exportInvoice(5001);

    assertThat(first.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(second.status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
    assertThat(emulator.invoices()).hasSize(1);
    JsonNode sent = emulator.invoices().get(0).request();
    assertThat(sent).isEqualTo(Json.MAPPER.readTree(Golden.read("woocommerce-5001.invoice.json")));
    assertThat(ledger(5001)).containsEntry("invoice_number", first.invoiceNumber())
        .containsEntry("invoice_exported_to_1c", true)
        .containsEntry("onec_document_id", emulator.invoices().get(0).documentId());
    assertThat(checksums()).isEqualTo(before);
  }

  @Test
  void a_not_yet_paid_order_is_refused_with_the_seeds_message_and_nothing_is_sent() {
    aPaidOrder(5002).notPaid().insert(db.jdbi(), P);
    aPaidOrder(5003).status("wc-on-hold").paidAt(null).insert(db.jdbi(), P);

    ExportResult pending = exporter().exportInvoice(5002);
    ExportResult onHold = exporter().exportInvoice(5003);

    assertThat(pending.status()).isEqualTo(ExportStatus.REJECTED);
    assertThat(pending.reason()).isEqualTo(ExportResult.Reason.NOT_PAID);
    assertThat(pending.error()).isEqualTo("Order status is 'wc-pending (not paid)', expected 'paid'");
    assertThat(onHold.error()).isEqualTo("Order status is 'wc-on-hold (not paid)', expected 'paid'");
    assertThat(emulator.received()).isEmpty();
  }

  @Test
  void refunds_and_cancellations_as_woocommerce_records_them() {
    aPaidOrder(5010).status("wc-refunded").insert(db.jdbi(), P); // refunded in full before the export
    aPaidOrder(5011).status("wc-cancelled").paidAt(null).insert(db.jdbi(), P);
    aPaidOrder(5012).status("wc-completed").insert(db.jdbi(), P); // refunded in part: stays completed
    aRefundOf(5012, 5013, "405.00000000").insert(db.jdbi(), P);

    // Refunded after payment, before the export ran: no invoice is made, 1C is not called (issue 24).
    assertThat(exporter().exportInvoice(5010).status()).isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(store.state(5010).orElseThrow().status()).isEqualTo("refunded");
    assertThat(emulator.received()).isEmpty();
    // Cancelled without a payment is just not paid.
    assertThat(exporter().exportInvoice(5011).error())
        .isEqualTo("Order status is 'wc-cancelled (not paid)', expected 'paid'");
    ExportResult partial = exporter().exportInvoice(5012);
    assertThat(partial.status()).as("the invoice is what was paid").isEqualTo(ExportStatus.EXPORTED);
    assertThat(emulator.invoices().get(0).request().get("total").decimalValue()).isEqualByComparingTo("3486");
    assertThat(exporter().exportInvoice(5013).reason()).as("a refund row is not an order")
        .isEqualTo(ExportResult.Reason.NOT_FOUND);

    // Exported, then refunded in full: the reconciler's cancel candidates name it (and not the partial refund).
    aPaidOrder(5014).insert(db.jdbi(), P);
    assertThat(exporter().exportInvoice(5014).status()).isEqualTo(ExportStatus.EXPORTED);
    db.jdbi().useHandle(h -> h.execute("UPDATE " + P + "wc_orders SET status = 'wc-refunded' WHERE id = 5014"));
    assertThat(store.state(5014).orElseThrow().status()).isEqualTo("refunded");
    assertThat(store.cancelCandidates(5000, 5100, 10)).containsExactly(5014L);
    assertThat(store.candidates(5000, 5100, 10, Duration.ZERO)).doesNotContain(5014L, 5010L);
  }

  @Test
  void the_reconciler_finds_paid_orders_nobody_enqueued_and_only_those() {
    aPaidOrder(5020).insert(db.jdbi(), P);
    aPaidOrder(5021).notPaid().insert(db.jdbi(), P);
    aPaidOrder(5022).status("wc-completed").insert(db.jdbi(), P);
    aPaidOrder(5023).status("wc-refunded").insert(db.jdbi(), P);
    aRefundOf(5022, 5024, "10").insert(db.jdbi(), P);
    aPaidOrder(5025).paidAt(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(1).withNano(0)
        .toString().replace('T', ' ')).insert(db.jdbi(), P); // paid "just now": too young
    aPaidOrder(5026).insert(db.jdbi(), P);
    exporter().exportInvoice(5026);

    assertThat(store.candidates(5019, 5029, 100, Duration.ofMinutes(2))).containsExactly(5020L, 5022L);
    assertThat(store.candidates(5020, 5029, 100, Duration.ofMinutes(2))).containsExactly(5022L);
  }

  @Test
  void two_workers_exporting_the_same_orders_at_once_never_give_one_order_two_numbers() throws Exception {
    for (long id = 5100; id < 5110; id++) {
      aPaidOrder(id).insert(db.jdbi(), P);
    }
    OneCExporter a = exporter();
    OneCExporter b = exporter();
    TwoWorkers.exportEachFromBothAtOnce(a, b, 5100, 5110);
    assertThat(emulator.invoices()).hasSize(10);
    assertThat(new HashSet<>(emulator.invoices().stream().map(EmulatorServer.StoredInvoice::invoiceNumber).toList()))
        .hasSize(10);
    long numbered = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT invoice_number) FROM"
        + " onec_exporter_ledger WHERE order_id BETWEEN 5100 AND 5109").mapTo(Long.class).one());
    assertThat(numbered).isEqualTo(10);
  }

  @Test
  void without_a_shipping_address_the_billing_one_is_used() {
    aPaidOrder(5030).noShippingAddress().insert(db.jdbi(), P);
    try (OrderStore.Session s = store.open()) {
      assertThat(s.find(5030).orElseThrow().customerAddress()).isEqualTo("101000, Москва, Москва");
    }
  }
}
