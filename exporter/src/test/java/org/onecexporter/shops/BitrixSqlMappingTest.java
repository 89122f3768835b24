package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.ConfiguredSqlSource;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
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
 * docs/shops.md's 1C-Bitrix mapping for {@code ORDER_SOURCE=sql}, run as written on this MariaDB: the three queries
 * are read from the document's block, so a query that does not run, or a payment time that comes back empty, fails
 * here and not at a shop.
 *
 * <p>The tables are NOT 1C-Bitrix's DDL (it is not published; docs/shops.md says so): they hold only the columns the
 * mapping names, as {@code b_sale_order}, {@code b_sale_basket} and {@code b_sale_order_props_value} are commonly
 * shown, with types of our choosing. What this proves is the mapping's SQL and its rules (paid = {@code PAYED = 'Y'}
 * and not cancelled, set members left out, the payment time turned into UTC, {@code CANCELED = 'Y'} cancels the
 * invoice: issue 24), not Bitrix's schema.
 */
@ExtendWith({MariaDbLedgerExtension.class, EmulatorExtension.class})
class BitrixSqlMappingTest {
  private final TestDatabase db;
  private final EmulatorServer emulator;
  private OrderStore store;

  BitrixSqlMappingTest(TestDatabase db, EmulatorServer emulator) {
    this.db = db;
    this.emulator = emulator;
  }

  /** The ORDER_SQL_* variables of the document's Bitrix block, in their order. */
  static Map<String, String> documented(String doc) throws IOException {
    String text = Files.readString(Path.of("..", "docs", doc));
    Matcher block = Pattern.compile("```sh\n(ORDER_SOURCE=sql\n.*?)```", Pattern.DOTALL).matcher(text);
    assertThat(block.find()).as("the Bitrix block in " + doc).isTrue();
    Map<String, String> vars = new LinkedHashMap<>();
    Matcher line = Pattern.compile("^(ORDER_SQL_[A-Z_]+)=\"([^\"]*)\"$", Pattern.MULTILINE).matcher(block.group(1));
    while (line.find()) {
      vars.put(line.group(1), line.group(2));
    }
    return vars;
  }

  @BeforeAll
  static void bitrixTables(TestDatabase db) {
    db.jdbi().useHandle(h -> {
      h.execute("CREATE TABLE b_sale_order (ID INT PRIMARY KEY, PAYED CHAR(1) NOT NULL DEFAULT 'N',"
          + " CANCELED CHAR(1) NOT NULL DEFAULT 'N', DATE_PAYED DATETIME NULL, PRICE DECIMAL(18,4) NOT NULL,"
          + " PRICE_DELIVERY DECIMAL(18,4) NOT NULL DEFAULT 0)");
      h.execute("CREATE TABLE b_sale_basket (ID INT AUTO_INCREMENT PRIMARY KEY, ORDER_ID INT NULL,"
          + " SET_PARENT_ID INT NULL, PRODUCT_XML_ID VARCHAR(100) NULL, NAME VARCHAR(255) NOT NULL,"
          + " QUANTITY DOUBLE(18,4) NOT NULL, PRICE DECIMAL(18,4) NOT NULL)");
      h.execute("CREATE TABLE b_sale_order_props_value (ID INT AUTO_INCREMENT PRIMARY KEY, ORDER_ID INT NULL,"
          + " CODE VARCHAR(50) NULL, VALUE VARCHAR(500) NULL)");
    });
  }

  @BeforeEach
  void clean() throws IOException {
    emulator.reset();
    db.jdbi().useHandle(h -> {
      h.execute("DELETE FROM b_sale_order");
      h.execute("DELETE FROM b_sale_basket");
      h.execute("DELETE FROM b_sale_order_props_value");
      h.execute("DELETE FROM onec_exporter_ledger");
    });
    Map<String, String> q = documented("shops.md");
    store = new SqlOrderStore(db.jdbi(), db.dialect(),
        new ConfiguredSqlSource(q.get("ORDER_SQL_ORDER"), q.get("ORDER_SQL_LINES"), q.get("ORDER_SQL_PAID_IDS"),
            q.get("ORDER_SQL_CANCELLED_IDS")));
  }

  private OneCExporter exporter() {
    return Exporters.exporter(store, Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
        EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), List.of(Duration.ofMillis(10))),
        new RecordingSleeper());
  }

  /** An order as the sale module keeps it: a set (a parent line and its members), properties by code. */
  private void order(long id, String payed, String canceled, String datePayed) {
    db.jdbi().useHandle(h -> {
      h.createUpdate("INSERT INTO b_sale_order (ID, PAYED, CANCELED, DATE_PAYED, PRICE, PRICE_DELIVERY)"
              + " VALUES (:id, :payed, :canceled, :paid, 2350, 300)")
          .bind("id", id).bind("payed", payed).bind("canceled", canceled).bind("paid", datePayed).execute();
      h.execute("INSERT INTO b_sale_basket (ORDER_ID, SET_PARENT_ID, PRODUCT_XML_ID, NAME, QUANTITY, PRICE) VALUES"
          + " (?, NULL, 'LAMP-1', 'Лампа настольная', 2, 650),"
          + " (?, NULL, 'SET-9', 'Набор кистей', 1, 750),"
          + " (?, 2, 'BRUSH-1', 'Кисть в наборе', 3, 0)", id, id, id);
      h.execute("INSERT INTO b_sale_order_props_value (ORDER_ID, CODE, VALUE) VALUES (?, 'FIO', 'Мария Орлова'),"
          + " (?, 'PHONE', '8 (916) 555-12-34'), (?, 'ADDRESS', 'Москва, ул. Тверская, 7'), (?, 'EMAIL', 'm@x.ru')",
          id, id, id, id);
    });
  }

  @Test
  void the_russian_document_shows_the_same_queries() throws IOException {
    assertThat(documented("shops.ru.md")).isEqualTo(documented("shops.md"));
    assertThat(documented("shops.md")).containsOnlyKeys("ORDER_SQL_ORDER", "ORDER_SQL_LINES", "ORDER_SQL_PAID_IDS",
        "ORDER_SQL_CANCELLED_IDS");
  }

  @Test
  void a_paid_order_is_exported_once_with_its_payment_time_in_utc_and_without_the_sets_members() throws Exception {
    order(101, "Y", "N", "2026-03-02 13:00:00"); // Moscow time, as the shop's server wrote it

    try (OrderStore.Session s = store.open()) {
      assertThat(s.find(101).orElseThrow().paidAt()).as("the payment time, in UTC")
          .isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));
    }
    ExportResult first = exporter().exportInvoice(101);
    ExportResult second = exporter().exportInvoice(101);

    assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(ExportStatus.EXPORTED);
    assertThat(second.status()).isEqualTo(ExportStatus.ALREADY_EXPORTED);
    assertThat(emulator.invoices()).hasSize(1);
    JsonNode sent = emulator.invoices().get(0).request();
    assertThat(sent).isEqualTo(Json.MAPPER.readTree("""
        {"invoice_number": "%s", "order_id": "101", "date": "2026-03-02",
         "customer": {"name": "Мария Орлова", "phone": "+79165551234", "address": "Москва, ул. Тверская, 7"},
         "items": [
           {"articul": "LAMP-1", "name": "Лампа настольная", "quantity": 2, "price": 650, "total": 1300},
           {"articul": "SET-9", "name": "Набор кистей", "quantity": 1, "price": 750, "total": 750}],
         "delivery_cost": 300, "total": 2350}""".formatted(first.invoiceNumber())));
  }

  @Test
  void unpaid_orders_are_refused_cancelled_ones_make_no_invoice_and_the_reconciler_lists_only_the_paid_ones() {
    order(201, "N", "N", null);
    order(202, "Y", "Y", "2026-03-02 13:00:00");
    order(203, "Y", "N", "2026-03-02 13:05:00");
    order(204, "Y", "N", "2026-03-02 13:10:00");

    assertThat(exporter().exportInvoice(201).error()).isEqualTo("Order status is 'PAYED=N CANCELED=N', expected 'paid'");
    assertThat(exporter().exportInvoice(202).status()).as("cancelled in Bitrix: no invoice, no call, no DLQ entry")
        .isEqualTo(ExportStatus.NOT_CREATED);
    assertThat(exporter().exportInvoice(204).status()).isEqualTo(ExportStatus.EXPORTED);
    assertThat(emulator.received()).hasSize(1);
    assertThat(store.candidates(0, Long.MAX_VALUE, 10, Duration.ofMinutes(2))).containsExactly(203L);
    assertThat(store.cancelCandidates(0, Long.MAX_VALUE, 10)).as("202 never got an invoice number").isEmpty();
  }

  @Test
  void an_exported_order_bitrix_cancels_is_found_by_the_reconciler_and_its_invoice_marked_once() {
    order(301, "Y", "N", "2026-03-02 13:00:00");
    assertThat(exporter().exportInvoice(301).status()).isEqualTo(ExportStatus.EXPORTED);
    String number = store.state(301).orElseThrow().invoiceNumber();
    assertThat(store.cancelCandidates(0, Long.MAX_VALUE, 10)).isEmpty();

    // Bitrix cancels the order (CANCELED = 'Y'; a paid order's payment is returned first, so PAYED may be 'N').
    db.jdbi().useHandle(h -> h.execute("UPDATE b_sale_order SET CANCELED = 'Y', PAYED = 'N' WHERE ID = 301"));
    assertThat(store.state(301).orElseThrow().status()).isEqualTo("cancelled");
    assertThat(store.cancelCandidates(0, Long.MAX_VALUE, 10)).as("the reconciler finds it").containsExactly(301L);
    org.onecexporter.export.AttemptResult cancel =
        exporter().cancel(new org.onecexporter.export.AttemptContext(301, 1, null));
    assertThat(cancel).isInstanceOfSatisfying(org.onecexporter.export.AttemptResult.Done.class,
        done -> assertThat(done.result().status()).isEqualTo(ExportStatus.CANCELLED));
    assertThat(emulator.deletionMarked(number)).isTrue();
    assertThat(store.cancelCandidates(0, Long.MAX_VALUE, 10)).as("done: not again").isEmpty();
    assertThat(store.candidates(0, Long.MAX_VALUE, 10, Duration.ZERO)).doesNotContain(301L);
  }
}
