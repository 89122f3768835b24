package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.ConfiguredSqlSource;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.domain.Order;
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
import org.onecexporter.testing.TestDatabase;

/**
 * ORDER_SOURCE=sql: a schema of the shop's own, mapped by three queries; the ledger is ours. As for the platform
 * presets: an order becomes exactly its golden invoice, a second export is already_exported, an unpaid one is refused
 * with the seed's message, the reconciler lists the paid ones nobody exported, and two workers never give one order
 * two numbers.
 */
@ExtendWith({MariaDbLedgerExtension.class, EmulatorExtension.class})
class ConfiguredSqlSourceTest {
  static final String ORDER = """
      SELECT o.num AS id, CASE WHEN o.state = 'PAID' THEN 'paid' ELSE o.state END AS status,
             o.buyer AS customer_name, o.phone AS customer_phone, o.addr AS customer_address,
             o.shipping AS delivery_cost, o.paid_utc AS paid_at, o.amount AS total_amount
        FROM shop_order o WHERE o.num = :id""";
  static final String LINES = """
      SELECT l.code AS articul, l.title AS name, l.qty AS quantity, l.unit_price AS price
        FROM shop_order_line l WHERE l.order_num = :id ORDER BY l.pos""";
  static final String PAID = "SELECT num AS id FROM shop_order WHERE state = 'PAID'";

  private final TestDatabase db;
  private final EmulatorServer emulator;

  ConfiguredSqlSourceTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  @BeforeAll
  static void shopSchema(TestDatabase db) {
    db.jdbi().useHandle(h -> {
      h.execute("CREATE TABLE shop_order (num BIGINT PRIMARY KEY, state VARCHAR(16), buyer VARCHAR(100),"
          + " phone VARCHAR(32), addr VARCHAR(200), shipping DECIMAL(10,2), paid_utc DATETIME, amount DECIMAL(10,2))");
      h.execute("CREATE TABLE shop_order_line (order_num BIGINT, pos INT, code VARCHAR(32), title VARCHAR(100),"
          + " qty DECIMAL(10,3), unit_price DECIMAL(10,2))");
      h.execute("INSERT INTO shop_order VALUES (1, 'PAID', 'Анна Котова', '+7 495 111-22-33', 'Москва',"
          + " 0, '2026-03-01 10:00:00', 200), (2, 'NEW', 'Олег', '+7 495 111-22-34', NULL, 0, NULL, 100),"
          + " (3, 'PAID', 'Ольга', '+7 495 111-22-35', NULL, 0, '2026-03-01 10:05:00', 100)");
      h.execute("INSERT INTO shop_order_line VALUES (1, 2, 'B', 'Второй', 1, 50), (1, 1, 'A', 'Первый', 3, 50),"
          + " (2, 1, 'A', 'Первый', 2, 50), (3, 1, 'A', 'Первый', 2, 50)");
    });
  }

  private OrderStore store() {
    return new SqlOrderStore(db.jdbi(), db.dialect(), new ConfiguredSqlSource(ORDER, LINES, PAID));
  }

  private OneCExporter exporter(OrderStore store) {
    return Exporters.exporter(store, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of(Duration.ofMillis(10))),
        new RecordingSleeper());
  }

  @Test
  void the_three_queries_read_an_order_export_it_once_and_list_the_paid_ones() throws Exception {
    OrderStore store = store();
    try (OrderStore.Session s = store.open()) {
      Order order = s.find(1).orElseThrow();
      assertThat(order.isPaid()).isTrue();
      assertThat(order.paidAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
      assertThat(order.items()).extracting(i -> i.lineNo() + ":" + i.articul()).containsExactly("1:A", "2:B");
      assertThat(s.find(2).orElseThrow().status()).isEqualTo("NEW");
      assertThat(s.find(4)).isEmpty();
    }
    var exporter = exporter(store);
    ExportResult first = exporter.exportInvoice(1);
    assertThat(first.status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(exporter.exportInvoice(1).status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
    var sent = emulator.invoices().stream().filter(i -> i.request().get("order_id").asText().equals("1")).toList();
    assertThat(sent).hasSize(1);
    // The number depends on which of this class's tests ran first; everything else is the golden file's.
    assertThat(first.invoiceNumber()).matches("INV-2026-\\d{3}");
    assertThat(sent.get(0).request()).isEqualTo(Json.MAPPER.readTree(Golden.read("sql-1.invoice.json")
        .replace("INV-2026-001", first.invoiceNumber())));
    ExportResult notPaid = exporter.exportInvoice(2);
    assertThat(notPaid.error()).isEqualTo("Order status is 'NEW', expected 'paid'");
    assertThat(store.candidates(0, Long.MAX_VALUE, 10, Duration.ofMinutes(2))).containsExactly(3L);
  }

  @Test
  void two_workers_exporting_the_same_orders_at_once_never_give_one_order_two_numbers() throws Exception {
    db.jdbi().useHandle(h -> {
      for (int id = 10; id < 20; id++) {
        h.execute("INSERT INTO shop_order VALUES (?, 'PAID', 'Анна', '+7 495 111-22-33', NULL, 0,"
            + " '2026-03-01 10:00:00', 100)", id);
        h.execute("INSERT INTO shop_order_line VALUES (?, 1, 'A', 'Первый', 2, 50)", id);
      }
    });
    OneCExporter a = exporter(store());
    OneCExporter b = exporter(store());
    TwoWorkers.exportEachFromBothAtOnce(a, b, 10, 20);
    var mine = emulator.invoices().stream().filter(i -> i.request().get("order_id").asInt() >= 10).toList();
    assertThat(mine).hasSize(10);
    assertThat(new HashSet<>(mine.stream().map(EmulatorServer.StoredInvoice::invoiceNumber).toList())).hasSize(10);
    long numbered = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT invoice_number) FROM"
        + " onec_exporter_ledger WHERE order_id BETWEEN 10 AND 19").mapTo(Long.class).one());
    assertThat(numbered).isEqualTo(10);
  }
}
